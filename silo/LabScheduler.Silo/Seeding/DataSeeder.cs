using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace LabScheduler.Silo.Seeding;

/// <summary>
/// Once the silo runs: makes sure the user <c>admin</c> exists (every fresh database has it)
/// and, with Seed:Demo, the demo data set. Creating what exists already is conflict.exists
/// and skipped, so a restart, or a second silo, seeds nothing twice. With a clock for the history,
/// each demo instrument created now also gets its past months of use (<see cref="DemoHistory"/>).
/// </summary>
public sealed partial class DataSeeder(IGrainFactory grains, bool seedDemo, ILogger<DataSeeder> logger, IClock? historyClock = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Create(grains.GetGrain<IUserGrain>(DemoData.Admin.Id).CreateAsync(Actor.System, DemoData.Admin), "user", DemoData.Admin.Id);
        if (!seedDemo)
        {
            return;
        }

        foreach (var user in DemoData.Users)
        {
            await Create(grains.GetGrain<IUserGrain>(user.Id).CreateAsync(Actor.System, user), "user", user.Id);
        }

        var pastUse = new List<(InstrumentDefinition Instrument, string Zone)>();
        foreach (var (profile, manager, instruments) in DemoData.Labs)
        {
            var lab = grains.GetGrain<ILabGrain>(profile.Id);
            var created = await Create(lab.CreateAsync(Actor.System, profile), "lab", profile.Id);
            await lab.AddManagerAsync(Actor.System, manager);
            foreach (var instrument in instruments)
            {
                if (await Create(lab.AddInstrumentAsync(Actor.System, instrument), "instrument", instrument.Id) && historyClock is not null)
                {
                    pastUse.Add((instrument, profile.TimeZone));
                }
            }

            LogLab(logger, created ? "Seeded" : "Found", profile.Id, profile.Name, profile.TimeZone, instruments.Length);
        }

        foreach (var (profile, members) in DemoData.Teams)
        {
            var team = grains.GetGrain<ITeamGrain>(profile.Id);
            await Create(team.CreateAsync(Actor.System, profile), "team", profile.Id);
            foreach (var member in members)
            {
                await team.AddMemberAsync(Actor.System, member);
            }
        }

        // After the teams: history is charged at each team's tariff.
        foreach (var (instrument, zone) in pastUse)
        {
            await SeedHistoryAsync(instrument, zone, historyClock!.GetCurrentInstant());
        }
    }

    private async Task SeedHistoryAsync(InstrumentDefinition instrument, string zone, Instant now)
    {
        var teams = DemoData.Teams.Select(t => (t.Team.Id, t.Members)).ToList();
        var past = DemoHistory.For(instrument.Id, DateTimeZoneProviders.Tzdb[zone], instrument.Rules, teams, now);
        if (past.Count == 0)
        {
            return;
        }

        var result = await grains.GetGrain<IInstrumentGrain>(instrument.Id).ImportHistoryAsync(Actor.System, past);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"Seeding the history of '{instrument.Id}' failed: {result.Problem!.Code} {result.Problem.Detail}");
        }

        LogHistory(logger, instrument.Id, result.Value);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<bool> Create<T>(Task<CommandResult<T>> create, string what, string id)
    {
        var result = await create;
        if (result.IsSuccess)
        {
            return true;
        }

        if (result.Problem!.Code != ErrorCodes.AlreadyExists)
        {
            throw new InvalidOperationException($"Seeding {what} '{id}' failed: {result.Problem.Code} {result.Problem.Detail}");
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the history of {InstrumentId}: {Bookings} past booking(s)")]
    private static partial void LogHistory(ILogger logger, string instrumentId, int bookings);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Verb} lab {LabId}: {Name} ({TimeZone}), {Instruments} instrument(s)")]
    private static partial void LogLab(ILogger logger, string verb, string labId, string name, string timeZone, int instruments);
}
