using System.Globalization;
using LabScheduler.Persistence;

namespace LabScheduler.Benchmarks.Load;

/// <summary>
/// What the PostgreSQL server wrote during a run, read without lag (unlike the cumulative statistics
/// views, which backends flush late): transaction ids handed out (every transaction that wrote, in
/// every database of the server) and WAL bytes. Per booking they show the commits a booking costs.
/// </summary>
internal static class PgWrites
{
    public readonly record struct Sample(long NextXid, long WalBytes);

    public static async Task<Sample> SampleAsync(string connectionString)
    {
        await using var db = LabSchedulerDataSource.Create(connectionString);
        await using var command = db.CreateCommand(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Sample(reader.GetInt64(0), reader.GetInt64(1));
    }

    public static string PerOperation(Sample before, Sample after, long operations) => operations == 0
        ? "pg: no operations"
        : string.Create(CultureInfo.InvariantCulture,
            $"pg per operation: {(after.NextXid - before.NextXid) / (double)operations:0.00} write transactions, {(after.WalBytes - before.WalBytes) / (double)operations:0} WAL bytes");
}
