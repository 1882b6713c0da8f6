using LabScheduler.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LabScheduler.Testing;

/// <summary>
/// A fresh database on the real PostgreSQL that ./test.sh starts (LABSCHED_TEST_DB), with all
/// migrations applied; dropped again on dispose. One per test class keeps tests independent.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private TestDatabase(string serverConnectionString, string name, string connectionString)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
        DataSource = LabSchedulerDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>A data source for the test's own queries (checks behind the grains' backs), built as the application builds its own.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates and migrates a new database named after <paramref name="purpose"/> (up to <paramref name="throughVersion"/> when given).</summary>
    public static async Task<TestDatabase> CreateAsync(string purpose, int? throughVersion = null)
    {
        var server = Environment.GetEnvironmentVariable("LABSCHED_TEST_DB");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                "LABSCHED_TEST_DB is not set: run the tests with ./test.sh, which starts a private PostgreSQL and sets it.");
        }

        var name = $"t_{new string([.. purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(24)])}_{Guid.NewGuid():N}";
        await using (var admin = NpgsqlDataSource.Create(server))
        await using (var create = admin.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var database = new TestDatabase(server, name, connectionString);
        await new MigrationRunner(database.DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(throughVersion);
        return database;
    }

    /// <summary>Runs a scalar query against this database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a statement against this database; the rows it touched.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(_serverConnectionString);
        await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }
}
