using System.Diagnostics;
using LabScheduler.Contracts.Instruments;
using Npgsql;
using NodaTime;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// The backup procedure of the README ("Operating a cluster"): pg_dump in custom format, pg_restore
/// into a fresh database. What the system wrote (bookings, ledger rows, settings in grain state) is
/// all there afterwards, table by table, row by row.
/// </summary>
public sealed class BackupRestoreTests : IAsyncLifetime
{
    private SiloHarness? _harness;

    private SiloHarness Harness => _harness ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _harness = await SiloHarness.StartAsync("backup");

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task PgDumpThenPgRestoreIntoAFreshDatabase_HasEveryBookingLedgerRowAndSetting()
    {
        var (instrumentId, teamId) = await Setup.LabWithInstrumentAsync(Harness.Client);
        var instrument = Harness.Client.GetGrain<IInstrumentGrain>(instrumentId);
        var quota = await instrument.SetTeamQuotaAsync(LabScheduler.Contracts.Common.Actor.System, teamId, 4321);
        Assert.True(quota.IsSuccess, quota.Problem?.Detail);
        var bookings = new List<Guid>();
        for (var day = 0; day < 3; day++)
        {
            var booked = await instrument.BookAsync(Setup.User, Setup.Book(teamId, new Interval(Setup.Morning.Start + Duration.FromDays(day), Setup.Morning.End + Duration.FromDays(day))));
            Assert.True(booked.IsSuccess, booked.Problem?.Detail);
            bookings.Add(booked.Value!.Id);
        }

        Harness.Clock.Reset(Setup.Morning.Start);
        Assert.True((await instrument.CheckInAsync(Setup.User, bookings[0])).IsSuccess);
        Harness.Clock.Reset(Setup.Morning.End);
        Assert.True((await instrument.CheckOutAsync(Setup.User, bookings[0])).IsSuccess);
        Assert.True((await instrument.CancelAsync(Setup.User, bookings[2], "backup test")).IsSuccess);

        // Quiesce: with the silo stopped nothing writes, so the source can be compared with the copy afterwards.
        foreach (var silo in Harness.Silos.ToList())
        {
            await Harness.StopSiloAsync(silo);
        }

        var server = new NpgsqlConnectionStringBuilder(Harness.Database.ConnectionString);
        var dump = Path.Combine(Path.GetTempPath(), $"labsched-{Guid.NewGuid():N}.dump");
        var restored = $"{Harness.Database.Name}_restored";
        try
        {
            await Run("pg_dump", $"--format=custom --file={dump} --dbname={server.Database}", server);
            await ExecuteAsync(server, $"CREATE DATABASE \"{restored}\"");
            await Run("pg_restore", $"--no-owner --exit-on-error --dbname={restored} {dump}", server);

            var copy = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = restored, Pooling = false };
            var source = await TablesAsync(server);
            var target = await TablesAsync(copy);
            Assert.Contains("bookings", source.Keys);
            Assert.Contains("usage_ledger", source.Keys);
            Assert.Equal(source.Keys.Order(), target.Keys.Order());
            foreach (var (table, rows) in source)
            {
                Assert.True(rows.SequenceEqual(target[table]), $"table {table}: {rows.Count} row(s) in the source, {target[table].Count} in the restored copy, or different contents");
            }

            await using var restoredDb = NpgsqlDataSource.Create(copy.ConnectionString);
            Assert.Equal(3L, await ScalarAsync<long>(restoredDb, "SELECT count(*) FROM bookings WHERE id = ANY(@ids)", ("ids", bookings.ToArray())));
            Assert.Equal(1L, await ScalarAsync<long>(restoredDb, "SELECT count(*) FROM usage_ledger WHERE booking_id = @b", ("b", bookings[0])));
            // The team quota (4321 minutes a month) is a setting: some row of the copy holds it.
            Assert.Contains(target.Values.SelectMany(rows => rows), row => row.Contains("4321", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(dump);
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{restored}\" WITH (FORCE)");
        }
    }

    /// <summary>Every table of the public schema and its rows as text, sorted: two databases with equal maps hold the same data.</summary>
    private static async Task<Dictionary<string, List<string>>> TablesAsync(NpgsqlConnectionStringBuilder database)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            var rows = new List<string>();
            await using var select = new NpgsqlCommand($"SELECT t::text FROM public.\"{table}\" t ORDER BY 1", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            result[table] = rows;
        }

        return result;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlConnectionStringBuilder server, string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A PostgreSQL client program from the binaries deploy/pg.sh found (PG_BIN, exported by ./test.sh).</summary>
    private static async Task Run(string program, string arguments, NpgsqlConnectionStringBuilder server)
    {
        var bin = Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } b
            ? b
            : Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderBy(d => d, StringComparer.Ordinal).Last();
        var start = new ProcessStartInfo(Path.Combine(bin, program), $"--host={server.Host} --port={server.Port} --username={server.Username} --no-password {arguments}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        if (!string.IsNullOrEmpty(server.Password))
        {
            start.Environment["PGPASSWORD"] = server.Password;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"{program} exited with {process.ExitCode}: {await output}{await errors}");
    }
}
