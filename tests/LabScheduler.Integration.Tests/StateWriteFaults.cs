using LabScheduler.Testing;
using Npgsql;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// Faults in the grains' state writes, made by PostgreSQL itself: a trigger on OrleansStorage (the
/// grain storage table) looks the written row's grain key up in <c>test_state_faults</c> and either
/// refuses the write or holds it on an advisory lock the test owns. Disposing drops the trigger.
/// </summary>
internal sealed class StateWriteFaults : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private NpgsqlConnection? _holder;

    private StateWriteFaults(TestDatabase database) => _database = database;

    public static async Task<StateWriteFaults> InstallAsync(TestDatabase database)
    {
        await Execute(database, """
            CREATE TABLE IF NOT EXISTS test_state_faults (grain_key text PRIMARY KEY, fault text NOT NULL);
            TRUNCATE test_state_faults;
            CREATE OR REPLACE FUNCTION test_state_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                f text;
            BEGIN
                SELECT fault INTO f FROM test_state_faults WHERE grain_key = NEW.GrainIdExtensionString;
                IF f = 'refuse' THEN
                    RAISE EXCEPTION 'test: state writes of % are refused', NEW.GrainIdExtensionString;
                ELSIF f = 'hold' THEN
                    PERFORM pg_advisory_xact_lock(hashtext(NEW.GrainIdExtensionString));
                END IF;
                RETURN NEW;
            END;
            $$;
            CREATE OR REPLACE TRIGGER test_state_fault BEFORE INSERT OR UPDATE ON OrleansStorage
                FOR EACH ROW EXECUTE FUNCTION test_state_fault();
            """);
        return new StateWriteFaults(database);
    }

    /// <summary>Every state write of the grain with this key fails.</summary>
    public Task RefuseAsync(string grainKey) =>
        Execute(_database, "INSERT INTO test_state_faults VALUES (@k, 'refuse')", grainKey);

    /// <summary>The grain's next state write waits (inside its statement) until <see cref="ReleaseAsync"/>.</summary>
    public async Task HoldAsync(string grainKey)
    {
        _holder = await _database.DataSource.OpenConnectionAsync();
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext(@k))", _holder))
        {
            hold.Parameters.AddWithValue("k", grainKey);
            await hold.ExecuteNonQueryAsync();
        }

        await Execute(_database, "INSERT INTO test_state_faults VALUES (@k, 'hold')", grainKey);
    }

    /// <summary>Returns once a held write is waiting on the lock, so the test acts while it is in flight.</summary>
    public async Task WaitUntilHeldAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await _database.ScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"))
        {
            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>State writes of every grain go through again; a held one continues.</summary>
    public async Task ClearAsync()
    {
        await Execute(_database, "DELETE FROM test_state_faults");
        if (_holder is not null)
        {
            await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _holder))
            {
                await release.ExecuteNonQueryAsync();
            }

            await _holder.DisposeAsync();
            _holder = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ClearAsync();
        await Execute(_database, "DROP TRIGGER IF EXISTS test_state_fault ON OrleansStorage");
    }

    private static async Task Execute(TestDatabase database, string sql, string? grainKey = null)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        if (grainKey is not null)
        {
            command.Parameters.AddWithValue("k", grainKey);
        }

        await command.ExecuteNonQueryAsync();
    }
}
