using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Errors;
using LabScheduler.Persistence.Bookings;
using Microsoft.Extensions.DependencyInjection;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Group commit: bookings of many instruments made at the same moment share transactions, and a
/// booking the database refuses refuses only itself, never the others that rode in its batch.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("groupcommit");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task ManyInstrumentsBookedAtOnce_ShareBatches_AndARefusedRowRefusesOnlyItself()
    {
        const int instruments = 40;
        var targets = new List<(string InstrumentId, string TeamId)>();
        for (var i = 0; i < instruments; i++)
        {
            targets.Add(await Setup.LabWithInstrumentAsync(Harness.Client));
        }

        // Every fifth instrument's morning is taken by another writer the grains know nothing of.
        var taken = targets.Where((_, i) => i % 5 == 0).Select(t => t.InstrumentId).ToHashSet();
        foreach (var instrumentId in taken)
        {
            await Harness.Database.ExecuteAsync("""
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, created_at, updated_at, seat)
                VALUES (gen_random_uuid(), @i, 'lab', 'team', 'intruder', 'confirmed', tstzrange('2026-12-01T01:30:00Z', '2026-12-01T02:30:00Z', '[)'), true, now(), now(), 0)
                """, ("i", instrumentId));
        }

        var store = Harness.Silos[0].Services.GetRequiredService<BookingStore>();
        var before = store.GroupCommits;

        // Several bookings per instrument at once (each grain sends one at a time), all instruments together.
        var slots = new[] { Setup.Morning, new NodaTime.Interval(Setup.Morning.End, Setup.Morning.End + NodaTime.Duration.FromHours(1)), new NodaTime.Interval(Setup.Morning.End + NodaTime.Duration.FromHours(2), Setup.Morning.End + NodaTime.Duration.FromHours(3)) };
        var answers = await Task.WhenAll(targets.SelectMany(t => slots.Select(async slot =>
            (t.InstrumentId, Slot: slot, Answer: await Harness.Client.GetGrain<IInstrumentGrain>(t.InstrumentId).BookAsync(Setup.User, Setup.Book(t.TeamId, slot))))));

        foreach (var (instrumentId, slot, answer) in answers)
        {
            if (taken.Contains(instrumentId) && slot == Setup.Morning)
            {
                Assert.Equal(ErrorCodes.BookingConflict, answer.Problem?.Code);
            }
            else
            {
                Assert.True(answer.IsSuccess, $"{instrumentId} {slot}: {answer.Problem?.Code}");
            }
        }

        var stored = await Harness.Database.ScalarAsync<long>("SELECT count(*) FROM bookings WHERE user_id = @u", ("u", Setup.User.UserId));
        Assert.Equal(answers.Count(a => a.Answer.IsSuccess), stored);

        var after = store.GroupCommits;
        var statements = after.Statements - before.Statements;
        var batches = after.Batches - before.Batches;
        Assert.True(statements >= answers.Length, $"{statements} statements for {answers.Length} bookings");
        Assert.True(batches < statements, $"{statements} inserts went in {batches} batches: none were grouped");
    }
}
