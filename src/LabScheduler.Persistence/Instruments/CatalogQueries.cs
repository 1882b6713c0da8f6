using System.Collections.Concurrent;
using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Instruments;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Instruments;

/// <summary>
/// The catalog, read with SQL from the instruments table and its neighbours: listings and searches
/// by category, lab, country and status, with what slot search needs, never activating a grain.
/// </summary>
public sealed class CatalogQueries(NpgsqlDataSource dataSource)
{
    // Each row parsed once: a slot search reads every row of a category on each request, and parsing
    // their definitions and opening hours (JSON) was half of a search's CPU. A row is parsed again when
    // its version or either JSON text differs from what was parsed (every change of an instrument's row
    // gives it a new version, InstrumentStore.UpdateAsync; comparing the texts costs far less than
    // parsing them). Instruments are never deleted, so this holds at most one row per instrument.
    private readonly ConcurrentDictionary<string, (string Definition, string Hours, InstrumentRow Row)> _parsed = new(StringComparer.Ordinal);

    private const string Filter = """
        (@category IS NULL OR i.category = @category)
        AND (@lab IS NULL OR i.lab_id = @lab)
        AND (@state IS NULL OR i.member_state = @state)
        AND (@after IS NULL OR i.id > @after)
        AND (@bookableBy IS NULL OR (i.status = 'active' AND (
            NOT coalesce((i.definition -> 'rules' ->> 'requiresAuthorization')::boolean, false)
            OR EXISTS (SELECT 1 FROM instrument_authorizations a WHERE a.instrument_id = i.id AND a.user_id = @bookableBy))))
        """;

    /// <summary>Instruments as the API lists them (with their sign-offs), by id after <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<InstrumentView>> ListAsync(InstrumentFilter filter, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns("i")},
                   ARRAY(SELECT a.user_id FROM instrument_authorizations a WHERE a.instrument_id = i.id ORDER BY a.user_id), i.id
            FROM instruments i
            WHERE {Filter}
            ORDER BY i.id
            LIMIT @limit
            """);
        AddFilter(command, filter, afterId, limit);
        var views = new List<InstrumentView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = Row(reader, reader.GetString(9));
            views.Add(new InstrumentView
            {
                Definition = row.Definition,
                LabId = row.LabId,
                TimeZone = row.TimeZone,
                MemberState = row.MemberState,
                Status = row.Status,
                OpeningHours = row.OpeningHours,
                AuthorizedUsers = reader.GetFieldValue<string[]>(8),
            });
        }

        return views;
    }

    /// <summary>
    /// Catalog entries (what slot search, schedules and reports need) by id, with the blackouts that
    /// overlap <see cref="InstrumentFilter.BlackoutsOver"/> when it is given.
    /// </summary>
    public async Task<IReadOnlyList<InstrumentEntry>> EntriesAsync(InstrumentFilter filter, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns("i")}, i.id, b.id, b.during
            FROM (SELECT * FROM instruments i WHERE {Filter} ORDER BY i.id LIMIT @limit) i
            LEFT JOIN instrument_blackouts b
                ON @withBlackouts AND b.instrument_id = i.id AND b.during && @over
            ORDER BY i.id, lower(b.during)
            """);
        AddFilter(command, filter, afterId, limit);
        var over = filter.BlackoutsOver;
        command.Parameters.AddWithValue("withBlackouts", over is not null);
        command.Parameters.AddWithValue("over", NpgsqlDbType.TimestampTzRange, over is { } window ? window : DBNull.Value);

        var entries = new List<InstrumentEntry>();
        var blackouts = new List<Interval>();
        InstrumentRow? current = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(8);
            if (current?.Id != id)
            {
                Flush();
                current = Row(reader, id);
            }

            if (!reader.IsDBNull(9))
            {
                blackouts.Add(reader.GetFieldValue<Interval>(10));
            }
        }

        Flush();
        return entries;

        void Flush()
        {
            if (current is { } row)
            {
                entries.Add(new InstrumentEntry
                {
                    Id = row.Id,
                    LabId = row.LabId,
                    Category = row.Definition.Category,
                    MemberState = row.MemberState,
                    Status = row.Status,
                    TimeZone = row.TimeZone,
                    Rules = row.Definition.Rules,
                    OpeningHours = row.OpeningHours,
                    Blackouts = [.. blackouts],
                });
            }

            blackouts.Clear();
        }
    }

    /// <summary>Adds or updates a lab's catalog entry.</summary>
    public async Task UpsertLabAsync(LabEntry lab, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO lab_catalog (id, member_state) VALUES (@id, @state)
            ON CONFLICT (id) DO UPDATE SET member_state = excluded.member_state
            """);
        command.Parameters.AddWithValue("id", lab.Id);
        command.Parameters.AddWithValue("state", lab.MemberState);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Labs by id after <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<LabEntry>> LabsAsync(string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, member_state FROM lab_catalog WHERE (@after IS NULL OR id > @after) ORDER BY id LIMIT @limit
            """);
        command.Parameters.AddWithValue("after", NpgsqlDbType.Text, (object?)afterId ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        var labs = new List<LabEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            labs.Add(new LabEntry { Id = reader.GetString(0), MemberState = reader.GetString(1) });
        }

        return labs;
    }

    // The row at the reader (InstrumentStore.RowColumns from column 0), parsed unless this version of it was before.
    private InstrumentRow Row(NpgsqlDataReader reader, string id)
    {
        var (definition, hours) = (reader.GetString(0), reader.GetString(6));
        if (_parsed.TryGetValue(id, out var known) && known.Row.Version == reader.GetInt32(7) && known.Definition == definition && known.Hours == hours)
        {
            return known.Row;
        }

        var row = InstrumentStore.ReadRow(reader, 0);
        _parsed[id] = (definition, hours, row);
        return row;
    }

    private static string Columns(string alias) =>
        string.Join(", ", InstrumentStore.RowColumns.Split(", ").Select(c => $"{alias}.{c}"));

    private static void AddFilter(NpgsqlCommand command, InstrumentFilter filter, string? afterId, int limit)
    {
        command.Parameters.AddWithValue("category", NpgsqlDbType.Text, (object?)filter.Category ?? DBNull.Value);
        command.Parameters.AddWithValue("lab", NpgsqlDbType.Text, (object?)filter.LabId ?? DBNull.Value);
        command.Parameters.AddWithValue("state", NpgsqlDbType.Text, (object?)filter.MemberState ?? DBNull.Value);
        command.Parameters.AddWithValue("bookableBy", NpgsqlDbType.Text, (object?)filter.BookableBy ?? DBNull.Value);
        command.Parameters.AddWithValue("after", NpgsqlDbType.Text, (object?)afterId ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
    }
}
