using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using LabScheduler.Persistence.Accounting;
using LabScheduler.Persistence.Audit;
using LabScheduler.Persistence.Notifications;

namespace LabScheduler.Persistence.Bookings;

/// <summary>How a write of a booking row ended.</summary>
public enum WriteOutcome
{
    Written,

    /// <summary>The exclusion constraint refused an overlap with another active booking.</summary>
    Overlap,

    /// <summary>The row changed since it was read (version mismatch), or a row with that id exists.</summary>
    Stale,
}

/// <summary>
/// The bookings table. Each write is one statement in its own implicit transaction, so a
/// booking costs O(1) writes however long the calendar, and a returned
/// <see cref="WriteOutcome.Written"/> means committed.
/// </summary>
public sealed class BookingStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, status_reason, created_at, updated_at, version, series_id, checked_in_at, ended_at, team_state, seat";

    // Notices go in with the write they tell of, in the same statement: all or nothing.
    private const string NoticesCte = """
        notices AS (
            INSERT INTO notifications (id, user_id, kind, booking_id, payload, created_at, due_at)
            SELECT n.id, n.usr, n.kind, n.booking, n.payload::jsonb, @noticeCreated, n.due
            FROM unnest(@noticeId, @noticeUser, @noticeKind, @noticeBooking, @noticePayload, @noticeDue) AS n(id, usr, kind, booking, payload, due)
            WHERE EXISTS (SELECT 1 FROM written))
        """;

    // The audit records of a change go in with it too (who did it is part of what happened).
    private const string AuditCte = """
        audited AS (
            INSERT INTO audit_log (at, actor, entity, entity_id, action, details)
            SELECT @noticeCreated, a.actor, a.entity, a.entity_id, a.action, a.details::jsonb
            FROM unnest(@auditActor, @auditEntity, @auditEntityId, @auditAction, @auditDetails) AS a(actor, entity, entity_id, action, details)
            WHERE EXISTS (SELECT 1 FROM written))
        """;

    private const string ExclusionViolation = "23P01";
    private const string UniqueViolation = "23505";

    /// <summary>Inserts a new booking row.</summary>
    public Task<WriteOutcome> InsertAsync(
        Booking booking, IReadOnlyList<Notice>? notices = null, IReadOnlyList<AuditEntry>? audit = null,
        (Guid EntryId, int ExpectedVersion)? redeems = null, CancellationToken cancellationToken = default) =>
        InsertAllAsync([booking], notices, audit, redeems, cancellationToken);

    /// <summary>
    /// Inserts bookings in one statement: all rows or none (a series is booked all or nothing).
    /// </summary>
    /// <param name="redeems">A waitlist entry (at that version) this booking redeems: it becomes 'booked' in the same
    /// statement, and nothing is written when the entry moved on meanwhile (<see cref="WriteOutcome.Stale"/>).</param>
    public async Task<WriteOutcome> InsertAllAsync(
        IReadOnlyList<Booking> bookings, IReadOnlyList<Notice>? notices = null, IReadOnlyList<AuditEntry>? audit = null,
        (Guid EntryId, int ExpectedVersion)? redeems = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH redeemed AS (
                UPDATE waitlist SET status = 'booked', booking_id = @redeemBooking, offer_expires_at = NULL, updated_at = @noticeCreated, version = version + 1
                WHERE @redeem AND id = @redeemEntry AND version = @redeemVersion
                RETURNING id),
            written AS (
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, status_reason, created_at, updated_at, version, series_id, team_state, seat)
                SELECT b.id, b.instrument, b.lab, b.team, b.usr, b.status, b.during, b.exclusive, b.purpose, NULL, b.created, b.created, 1, b.series, b.team_state, b.seat
                FROM unnest(@id, @instrument, @lab, @team, @user, @status, @during, @exclusive, @purpose, @created, @series, @teamState, @seat)
                     AS b(id, instrument, lab, team, usr, status, during, exclusive, purpose, created, series, team_state, seat)
                WHERE NOT @redeem OR EXISTS (SELECT 1 FROM redeemed)
                RETURNING id),
            {NoticesCte},
            {AuditCte}
            SELECT count(*) FROM written
            """);
        var p = command.Parameters;
        AddNotices(p, notices ?? [], bookings.Count > 0 ? bookings[0].CreatedAt : default);
        AddAudit(p, audit ?? []);
        p.AddWithValue("redeem", redeems is not null);
        p.AddWithValue("redeemEntry", redeems?.EntryId ?? Guid.Empty);
        p.AddWithValue("redeemVersion", redeems?.ExpectedVersion ?? 0);
        p.AddWithValue("redeemBooking", bookings.Count > 0 ? bookings[0].Id : Guid.Empty);
        p.AddWithValue("id", bookings.Select(b => b.Id).ToArray());
        p.AddWithValue("instrument", bookings.Select(b => b.InstrumentId).ToArray());
        p.AddWithValue("lab", bookings.Select(b => b.LabId).ToArray());
        p.AddWithValue("team", bookings.Select(b => b.TeamId).ToArray());
        p.AddWithValue("user", bookings.Select(b => b.UserId).ToArray());
        p.AddWithValue("status", bookings.Select(b => BookingLifecycle.ToWire(b.Status)).ToArray());
        p.AddWithValue("during", NpgsqlDbType.Array | NpgsqlDbType.TimestampTzRange, bookings.Select(b => b.Interval).ToArray());
        p.AddWithValue("exclusive", bookings.Select(b => b.Exclusive).ToArray());
        p.AddWithValue("purpose", bookings.Select(b => b.Purpose).ToArray());
        p.AddWithValue("created", bookings.Select(b => b.CreatedAt).ToArray());
        p.AddWithValue("series", NpgsqlDbType.Array | NpgsqlDbType.Uuid, bookings.Select(b => (object?)b.SeriesId ?? DBNull.Value).ToArray());
        p.AddWithValue("teamState", bookings.Select(b => b.TeamState).ToArray());
        p.AddWithValue("seat", bookings.Select(b => b.Seat).ToArray());
        try
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken))! == bookings.Count ? WriteOutcome.Written : WriteOutcome.Stale;
        }
        catch (PostgresException e) when (IsRefusedByLimits(e))
        {
            return WriteOutcome.Overlap;
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
            return WriteOutcome.Stale;
        }
    }

    /// <summary>
    /// Writes a new status for a booking whose stored version is <paramref name="expectedVersion"/>;
    /// the stored version becomes one more.
    /// </summary>
    public async Task<WriteOutcome> UpdateStatusAsync(
        Guid id, int expectedVersion, BookingStatus status, string? reason, Instant updatedAt,
        Instant? checkedInAt = null, Instant? endedAt = null, IReadOnlyList<Notice>? notices = null, LedgerEntry? ledger = null,
        AuditEntry? audit = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH written AS (
                UPDATE bookings SET status = @status, status_reason = @reason, updated_at = @updated, version = version + 1,
                                    checked_in_at = coalesce(@checkedIn, checked_in_at), ended_at = coalesce(@ended, ended_at)
                WHERE id = @id AND version = @version
                RETURNING id),
            {NoticesCte},
            ledger AS (
                INSERT INTO usage_ledger (id, booking_id, kind, reverses, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                                          booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at)
                SELECT @lId, @id, @lKind, NULL, @lTeam, @lTeamState, @lInstrument, @lLab, @lLabState, @lTariff,
                       @lBooked, @lActual, @lCharged, @lRate, @lAmount, @lCurrency, @lMonth, @updated
                WHERE @withLedger AND EXISTS (SELECT 1 FROM written)
                ON CONFLICT (booking_id) WHERE kind <> 'reversal' AND corrects IS NULL DO NOTHING),
            {AuditCte}
            SELECT count(*) FROM written
            """);
        AddNotices(command.Parameters, notices ?? [], updatedAt);
        AddAudit(command.Parameters, audit is null ? [] : [audit]);
        AddLedger(command.Parameters, ledger);
        command.Parameters.Add(new NpgsqlParameter<Instant?>("checkedIn", checkedInAt));
        command.Parameters.Add(new NpgsqlParameter<Instant?>("ended", endedAt));
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", expectedVersion);
        command.Parameters.AddWithValue("status", BookingLifecycle.ToWire(status));
        command.Parameters.AddWithValue("reason", NpgsqlDbType.Text, (object?)reason ?? DBNull.Value);
        command.Parameters.AddWithValue("updated", updatedAt);
        try
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1 ? WriteOutcome.Written : WriteOutcome.Stale;
        }
        catch (PostgresException e) when (IsRefusedByLimits(e))
        {
            return WriteOutcome.Overlap;
        }
    }

    /// <summary>The instrument's capacity and buffer as the database enforces them, or null when it has none yet.</summary>
    public async Task<(int Capacity, int BufferMinutes)?> LimitsAsync(string instrumentId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT capacity, buffer_minutes FROM instrument_limits WHERE instrument_id = @i");
        command.Parameters.AddWithValue("i", instrumentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// Sets the capacity and buffer the database enforces for an instrument and moves its bookings
    /// that hold time to the given seats, in one transaction (the seat constraint is checked at the
    /// commit, so seats may be swapped); every such booking's blocked time is derived anew from the buffer.
    /// </summary>
    public async Task<WriteOutcome> SetLimitsAsync(
        string instrumentId, int capacity, int bufferMinutes, IReadOnlyList<(Guid BookingId, int Seat)> seats, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SET CONSTRAINTS bookings_no_overlap DEFERRED;
            INSERT INTO instrument_limits (instrument_id, capacity, buffer_minutes) VALUES (@i, @capacity, @buffer)
                ON CONFLICT (instrument_id) DO UPDATE SET capacity = excluded.capacity, buffer_minutes = excluded.buffer_minutes;
            UPDATE bookings b SET seat = coalesce(s.seat, b.seat), blocked = b.during
            FROM bookings x LEFT JOIN unnest(@ids, @seats) AS s(id, seat) ON s.id = x.id
            WHERE x.id = b.id AND b.instrument_id = @i AND b.status IN ('pending', 'confirmed', 'checked-in');
            """, connection, transaction);
        command.Parameters.AddWithValue("i", instrumentId);
        command.Parameters.AddWithValue("capacity", capacity);
        command.Parameters.AddWithValue("buffer", bufferMinutes);
        command.Parameters.AddWithValue("ids", seats.Select(s => s.BookingId).ToArray());
        command.Parameters.AddWithValue("seats", seats.Select(s => s.Seat).ToArray());
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return WriteOutcome.Written;
        }
        catch (PostgresException e) when (IsRefusedByLimits(e))
        {
            return WriteOutcome.Overlap;
        }
    }

    // Refusals by the seat and buffer guards: an overlap on a seat, or a seat beyond capacity.
    private static bool IsRefusedByLimits(PostgresException e) =>
        e.SqlState == ExclusionViolation || (e.SqlState == PostgresErrorCodes.CheckViolation && e.ConstraintName == "bookings_within_limits");

    /// <summary>The bookings of an instrument that hold time and end after <paramref name="endsAfter"/>.</summary>
    public async Task<IReadOnlyList<Booking>> LoadHoldingTimeAsync(string instrumentId, Instant endsAfter, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM bookings
            WHERE instrument_id = @instrument AND status IN ('pending', 'confirmed', 'checked-in') AND upper(during) > @after
            ORDER BY lower(during)
            """);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("after", endsAfter);
        return await ReadAll(command, cancellationToken);
    }

    private static void AddAudit(NpgsqlParameterCollection p, IReadOnlyList<AuditEntry> entries)
    {
        p.AddWithValue("auditActor", entries.Select(e => e.Actor).ToArray());
        p.AddWithValue("auditEntity", entries.Select(e => e.Entity).ToArray());
        p.AddWithValue("auditEntityId", entries.Select(e => e.EntityId).ToArray());
        p.AddWithValue("auditAction", entries.Select(e => e.Action).ToArray());
        p.AddWithValue("auditDetails", entries.Select(e => e.DetailsJson).ToArray());
    }

    private static void AddLedger(NpgsqlParameterCollection p, LedgerEntry? entry)
    {
        p.AddWithValue("withLedger", entry is not null);
        p.AddWithValue("lId", entry?.Id ?? Guid.Empty);
        p.AddWithValue("lKind", entry?.Kind ?? "usage");
        p.AddWithValue("lTeam", entry?.TeamId ?? "");
        p.AddWithValue("lTeamState", entry?.TeamState ?? "");
        p.AddWithValue("lInstrument", entry?.InstrumentId ?? "");
        p.AddWithValue("lLab", entry?.LabId ?? "");
        p.AddWithValue("lLabState", entry?.LabState ?? "");
        p.AddWithValue("lTariff", entry?.Tariff ?? "external");
        p.AddWithValue("lBooked", entry?.BookedMinutes ?? 0);
        p.AddWithValue("lActual", entry?.ActualMinutes ?? 0);
        p.AddWithValue("lCharged", entry?.ChargedMinutes ?? 0);
        p.AddWithValue("lRate", entry?.HourlyRate ?? 0m);
        p.AddWithValue("lAmount", entry?.Amount ?? 0m);
        p.AddWithValue("lCurrency", entry?.Currency ?? "XXX");
        p.AddWithValue("lMonth", entry?.Month ?? new LocalDate(2000, 1, 1));
    }

    /// <summary>
    /// Minutes a team has on an instrument in a month: bookings that hold time or completed, and
    /// no-shows where they are charged. The instrument grain, the single writer of the instrument's
    /// bookings, checks quotas with it, so two bookings cannot both pass on the last minutes.
    /// </summary>
    public async Task<int> TeamMinutesAsync(string teamId, string instrumentId, Interval month, bool countNoShows, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(sum(extract(epoch FROM upper(during) - lower(during)) / 60), 0)::integer FROM bookings
            WHERE team_id = @team AND instrument_id = @instrument AND lower(during) >= @from AND lower(during) < @to
              AND (status IN ('pending', 'confirmed', 'checked-in', 'completed') OR (@noShows AND status = 'no-show'))
            """);
        command.Parameters.AddWithValue("team", teamId);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("from", month.Start);
        command.Parameters.AddWithValue("to", month.End);
        command.Parameters.AddWithValue("noShows", countNoShows);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static void AddNotices(NpgsqlParameterCollection p, IReadOnlyList<Notice> notices, Instant created)
    {
        p.AddWithValue("noticeId", notices.Select(n => n.Id).ToArray());
        p.AddWithValue("noticeUser", notices.Select(n => n.UserId).ToArray());
        p.AddWithValue("noticeKind", notices.Select(n => n.Kind).ToArray());
        p.AddWithValue("noticeBooking", NpgsqlDbType.Array | NpgsqlDbType.Uuid, notices.Select(n => (object?)n.BookingId ?? DBNull.Value).ToArray());
        p.AddWithValue("noticePayload", notices.Select(n => n.PayloadJson).ToArray());
        p.AddWithValue("noticeDue", notices.Select(n => n.DueAt).ToArray());
        p.AddWithValue("noticeCreated", created);
    }

    /// <summary>An instrument's bookings that still hold time and have started by <paramref name="now"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Booking>> StartedHoldingTimeAsync(string instrumentId, Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM bookings
            WHERE instrument_id = @instrument AND status IN ('pending', 'confirmed', 'checked-in') AND lower(during) <= @now
            ORDER BY lower(during)
            """);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("now", now);
        return await ReadAll(command, cancellationToken);
    }

    /// <summary>Booked and used minutes on an instrument in a window by the booking team's country.</summary>
    public async Task<IReadOnlyDictionary<string, (long Booked, long Used)>> MinutesByStateAsync(string instrumentId, Interval window, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT team_state,
                   coalesce(sum(extract(epoch FROM upper(during) - lower(during)) / 60)
                       FILTER (WHERE status IN ('pending', 'confirmed', 'checked-in', 'completed', 'no-show')), 0)::bigint,
                   coalesce(sum(extract(epoch FROM coalesce(ended_at, upper(during)) - greatest(coalesce(checked_in_at, lower(during)), lower(during))) / 60)
                       FILTER (WHERE status = 'completed'), 0)::bigint
            FROM bookings
            WHERE instrument_id = @instrument AND lower(during) >= @from AND lower(during) < @to
            GROUP BY team_state
            """);
        command.Parameters.AddWithValue("instrument", instrumentId);
        command.Parameters.AddWithValue("from", window.Start);
        command.Parameters.AddWithValue("to", window.End);
        var result = new Dictionary<string, (long, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return result;
    }

    /// <summary>The bookings of a series, by start.</summary>
    public async Task<IReadOnlyList<Booking>> FindSeriesAsync(Guid seriesId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM bookings WHERE series_id = @s ORDER BY lower(during)");
        command.Parameters.AddWithValue("s", seriesId);
        return await ReadAll(command, cancellationToken);
    }

    /// <summary>Instruments with a booking that holds time and has started by <paramref name="now"/>: the sweep's work list.</summary>
    public async Task<IReadOnlyList<string>> InstrumentsWithStartedBookingsAsync(Instant now, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT instrument_id FROM bookings
            WHERE status IN ('pending', 'confirmed', 'checked-in') AND lower(during) <= @now
            """);
        command.Parameters.AddWithValue("now", now);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The intervals of bookings that hold time on the given instruments and overlap a window.</summary>
    public async Task<IReadOnlyDictionary<string, List<Interval>>> HoldingIntervalsAsync(
        IReadOnlyList<string> instrumentIds, Interval window, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT instrument_id, during FROM bookings
            WHERE instrument_id = ANY(@ids) AND status IN ('pending', 'confirmed', 'checked-in') AND during && @window
            """);
        command.Parameters.AddWithValue("ids", instrumentIds.ToArray());
        command.Parameters.AddWithValue("window", window);
        var result = new Dictionary<string, List<Interval>>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetString(0);
            if (!result.TryGetValue(id, out var list))
            {
                result[id] = list = [];
            }

            list.Add(reader.GetFieldValue<Interval>(1));
        }

        return result;
    }

    /// <summary>One booking by id, or null.</summary>
    public async Task<Booking?> FindAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM bookings WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        var rows = await ReadAll(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Bookings matching <paramref name="query"/>, ordered by start then id, after the cursor.
    /// Visibility is part of the query: unless <see cref="BookingQuery.All"/>, only rows booked by
    /// the user, for one of the teams, or in one of the labs.
    /// </summary>
    public async Task<IReadOnlyList<Booking>> QueryAsync(BookingQuery query, CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        await using var command = dataSource.CreateCommand();
        var p = command.Parameters;
        if (!query.All)
        {
            where.Add("(user_id = @me OR team_id = ANY(@teams) OR lab_id = ANY(@labs))");
            p.AddWithValue("me", query.VisibleToUser ?? "");
            p.AddWithValue("teams", query.VisibleTeams.ToArray());
            p.AddWithValue("labs", query.VisibleLabs.ToArray());
        }

        void Filter(string? value, string column)
        {
            if (value is not null)
            {
                where.Add($"{column} = @{column}");
                p.AddWithValue(column, value);
            }
        }

        Filter(query.InstrumentId, "instrument_id");
        Filter(query.TeamId, "team_id");
        Filter(query.UserId, "user_id");
        Filter(query.LabId, "lab_id");
        Filter(query.Status is { } status ? BookingLifecycle.ToWire(status) : null, "status");
        if (query.From is { } from)
        {
            where.Add("upper(during) > @from");
            p.AddWithValue("from", from);
        }

        if (query.To is { } to)
        {
            where.Add("lower(during) < @to");
            p.AddWithValue("to", to);
        }

        if (query.AfterStart is { } afterStart && query.AfterId is { } afterId)
        {
            where.Add("(lower(during), id) > (@afterStart, @afterId)");
            p.AddWithValue("afterStart", afterStart);
            p.AddWithValue("afterId", afterId);
        }

        p.AddWithValue("limit", query.Limit);
        command.CommandText = $"SELECT {Columns} FROM bookings" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") +
            " ORDER BY lower(during), id LIMIT @limit";
        return await ReadAll(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<Booking>> ReadAll(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<Booking>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Booking
            {
                Id = reader.GetGuid(0),
                InstrumentId = reader.GetString(1),
                LabId = reader.GetString(2),
                TeamId = reader.GetString(3),
                UserId = reader.GetString(4),
                Status = BookingLifecycle.FromWire(reader.GetString(5)) ?? throw new InvalidDataException($"Unknown status '{reader.GetString(5)}'."),
                Interval = reader.GetFieldValue<Interval>(6),
                Exclusive = reader.GetBoolean(7),
                Purpose = reader.GetString(8),
                StatusReason = reader.IsDBNull(9) ? null : reader.GetString(9),
                CreatedAt = reader.GetFieldValue<Instant>(10),
                UpdatedAt = reader.GetFieldValue<Instant>(11),
                Version = reader.GetInt32(12),
                SeriesId = reader.IsDBNull(13) ? null : reader.GetGuid(13),
                CheckedInAt = reader.GetFieldValue<Instant?>(14),
                EndedAt = reader.GetFieldValue<Instant?>(15),
                TeamState = reader.GetString(16),
                Seat = reader.GetInt32(17),
            });
        }

        return rows;
    }
}
