using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Silo.Seeding;

/// <summary>
/// Once the silo runs: makes sure the user <c>admin</c> exists (every fresh database has it)
/// and, with Seed:Demo, the demo data set. Creating what exists already is conflict.exists
/// and skipped, so a restart, or a second silo, seeds nothing twice.
/// </summary>
public sealed partial class DataSeeder(IGrainFactory grains, bool seedDemo, ILogger<DataSeeder> logger) : IHostedService
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

        foreach (var (profile, manager, instruments) in DemoData.Labs)
        {
            var lab = grains.GetGrain<ILabGrain>(profile.Id);
            var created = await Create(lab.CreateAsync(Actor.System, profile), "lab", profile.Id);
            await lab.AddManagerAsync(Actor.System, manager);
            foreach (var instrument in instruments)
            {
                await Create(lab.AddInstrumentAsync(Actor.System, instrument), "instrument", instrument.Id);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Verb} lab {LabId}: {Name} ({TimeZone}), {Instruments} instrument(s)")]
    private static partial void LogLab(ILogger logger, string verb, string labId, string name, string timeZone, int instruments);
}
