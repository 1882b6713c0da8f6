using System.Collections.Concurrent;
using System.Diagnostics;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Domain.Bookings;
using NodaTime;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// A booking costs O(1) database work: on an instrument with 10,000 bookings it issues the
/// same statements as on an empty one. Statements are counted from Npgsql's own tracing.
/// </summary>
public sealed class StatementCountTests
{
    private static readonly BookingRules LongHorizon = new() { HorizonDays = 3660, MaxMinutes = 1440 };

    [Fact]
    public async Task Book_OnInstrumentWithTenThousandBookings_IssuesSameStatementsAsOnEmptyOne()
    {
        await using var harness = await SiloHarness.StartAsync("statements");
        var (full, fullTeam) = await Setup.LabWithInstrumentAsync(harness.Client, LongHorizon);
        var (empty, emptyTeam) = await Setup.LabWithInstrumentAsync(harness.Client, LongHorizon);

        // 10,000 confirmed half-hour bookings back to back from 2026-12-02, written as rows.
        await using (var fill = harness.Database.DataSource.CreateCommand("""
            INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, created_at, updated_at)
            SELECT gen_random_uuid(), @i, 'lab', @t, 'it-user', 'confirmed',
                   tstzrange(timestamptz '2026-12-02T00:00:00Z' + n * interval '30 minutes',
                             timestamptz '2026-12-02T00:00:00Z' + (n + 1) * interval '30 minutes', '[)'),
                   true, now(), now()
            FROM generate_series(0, 9999) AS n
            """))
        {
            fill.Parameters.AddWithValue("i", full);
            fill.Parameters.AddWithValue("t", fullTeam);
            Assert.Equal(10_000, await fill.ExecuteNonQueryAsync());
        }

        // Activation loads the calendar (one read, whatever its length); count only the booking itself.
        await harness.Client.GetGrain<IInstrumentGrain>(full).DeactivateForTestAsync(harness);
        Assert.Equal(10_000, (await harness.Client.GetGrain<IInstrumentGrain>(full)
            .GetCalendarAsync(new Interval(Instant.FromUtc(2026, 12, 1, 0, 0), Instant.FromUtc(2027, 12, 1, 0, 0)))).Count);

        // Warm both paths with one booking each (activating the team grains too), then count the next one.
        var warmUp = new Interval(Instant.FromUtc(2026, 12, 1, 4, 0), Instant.FromUtc(2026, 12, 1, 5, 0));
        Assert.True((await harness.Client.GetGrain<IInstrumentGrain>(full).BookAsync(Setup.User, Setup.Book(fullTeam, warmUp))).IsSuccess);
        Assert.True((await harness.Client.GetGrain<IInstrumentGrain>(empty).BookAsync(Setup.User, Setup.Book(emptyTeam, warmUp))).IsSuccess);

        var onFull = await CountStatements(harness.Database.Name, () => harness.Client.GetGrain<IInstrumentGrain>(full).BookAsync(Setup.User, Setup.Book(fullTeam, Setup.Morning)));
        var onEmpty = await CountStatements(harness.Database.Name, () => harness.Client.GetGrain<IInstrumentGrain>(empty).BookAsync(Setup.User, Setup.Book(emptyTeam, Setup.Morning)));

        Assert.True(onFull.Result.IsSuccess && onEmpty.Result.IsSuccess);
        Assert.Equal(onEmpty.Statements, onFull.Statements);
        // One statement: the booking row with its outbox notices and its audit record.
        Assert.Single(onFull.Statements);
    }

    private static async Task<(T Result, List<string> Statements)> CountStatements<T>(string database, Func<Task<T>> action)
    {
        var seen = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string;
                var db = activity.GetTagItem("db.namespace") as string ?? activity.GetTagItem("db.name") as string;
                // Membership heartbeats of the cluster run on their own schedule; they are not the booking's work.
                if (text is not null && db == database && !text.Contains("OrleansMembership", StringComparison.OrdinalIgnoreCase))
                {
                    seen.Enqueue(Summarize(text));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var result = await action();
        return (result, [.. seen]);
    }

    private static string Summarize(string sql)
    {
        var words = sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Take(3));
    }
}

internal static class GrainTestExtensions
{
    /// <summary>Forces the next call to activate the grain afresh (and so reload from PostgreSQL).</summary>
    public static async Task DeactivateForTestAsync(this IInstrumentGrain grain, SiloHarness harness)
    {
        await harness.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.NotNull(await grain.GetAsync());
    }
}
