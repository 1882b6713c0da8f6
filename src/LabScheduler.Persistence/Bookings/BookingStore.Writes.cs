using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using LabScheduler.Persistence.Accounting;
using LabScheduler.Persistence.Audit;
using LabScheduler.Persistence.Idempotency;
using LabScheduler.Persistence.Notifications;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
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

    /// <summary>
    /// Inserts a new booking row; with <paramref name="key"/>, the request's Idempotency-Key row too, in
    /// the same statement: when another request holds the key, nothing is written
    /// (<see cref="WriteOutcome.KeyTaken"/>).
    /// </summary>
    public Task<WriteOutcome> InsertAsync(
        Booking booking, IReadOnlyList<Notice>? notices = null, IReadOnlyList<AuditEntry>? audit = null,
        (Guid EntryId, int ExpectedVersion)? redeems = null, BookingKeyRow? key = null, CancellationToken cancellationToken = default) =>
        InsertAllAsync([booking], notices, audit, redeems, key, cancellationToken);

    /// <summary>
    /// Inserts bookings in one statement: all rows or none (a series is booked all or nothing).
    /// </summary>
    /// <param name="redeems">A waitlist entry (at that version) this booking redeems: it becomes 'booked' in the same
    /// statement, and nothing is written when the entry moved on meanwhile (<see cref="WriteOutcome.Stale"/>).</param>
    public async Task<WriteOutcome> InsertAllAsync(
        IReadOnlyList<Booking> bookings, IReadOnlyList<Notice>? notices = null, IReadOnlyList<AuditEntry>? audit = null,
        (Guid EntryId, int ExpectedVersion)? redeems = null, BookingKeyRow? key = null, CancellationToken cancellationToken = default)
    {
        var created = bookings.Count > 0 ? bookings[0].CreatedAt : default;
        NpgsqlBatchCommand Statement()
        {
            var command = new NpgsqlBatchCommand($"""
            WITH redeemed AS (
                UPDATE waitlist SET status = 'booked', booking_id = @firstBooking, offer_expires_at = NULL, updated_at = @noticeCreated, version = version + 1
                WHERE @redeem AND id = @redeemEntry AND version = @redeemVersion
                RETURNING id),
            keyed AS (
                INSERT INTO idempotency_keys AS k (user_id, key, request_hash, status, content_type, location, body, created_at, booking_id)
                SELECT @keyUser, @key, @keyHash, 201, 'application/json; charset=utf-8', @keyLocation, '', @keyAt, @firstBooking
                WHERE @keyed
                ON CONFLICT (user_id, key) DO UPDATE
                    SET request_hash = excluded.request_hash, status = excluded.status, content_type = excluded.content_type, location = excluded.location,
                        body = '', created_at = excluded.created_at, booking_id = excluded.booking_id
                    WHERE {IdempotencyKeys.TakeOverWhere}
                RETURNING 1),
            written AS (
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, status_reason, created_at, updated_at, version, series_id, team_state, seat)
                SELECT b.id, b.instrument, b.lab, b.team, b.usr, b.status, b.during, b.exclusive, b.purpose, NULL, b.created, b.created, 1, b.series, b.team_state, b.seat
                FROM unnest(@id, @instrument, @lab, @team, @user, @status, @during, @exclusive, @purpose, @created, @series, @teamState, @seat)
                     AS b(id, instrument, lab, team, usr, status, during, exclusive, purpose, created, series, team_state, seat)
                WHERE (NOT @redeem OR EXISTS (SELECT 1 FROM redeemed)) AND (NOT @keyed OR EXISTS (SELECT 1 FROM keyed))
                RETURNING id),
            {NoticesCte},
            {AuditCte}
            SELECT CASE WHEN @keyed AND NOT EXISTS (SELECT 1 FROM keyed) THEN -1 ELSE (SELECT count(*) FROM written) END
            """);
            var p = command.Parameters;
            AddNotices(p, notices ?? [], created);
            AddAudit(p, audit ?? []);
            p.AddWithValue("redeem", redeems is not null);
            p.AddWithValue("redeemEntry", redeems?.EntryId ?? Guid.Empty);
            p.AddWithValue("redeemVersion", redeems?.ExpectedVersion ?? 0);
            p.AddWithValue("firstBooking", bookings.Count > 0 ? bookings[0].Id : Guid.Empty);
            AddKey(p, key);
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
            return command;
        }

        try
        {
            return await _commits.ScalarAsync(Statement).WaitAsync(cancellationToken) switch
            {
                var written when written == bookings.Count => WriteOutcome.Written,
                -1 => WriteOutcome.KeyTaken,
                _ => WriteOutcome.Stale,
            };
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
        var command = new NpgsqlBatchCommand($"""
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
            return await FencedScalarAsync(command, cancellationToken) == 1 ? WriteOutcome.Written : WriteOutcome.Stale;
        }
        catch (PostgresException e) when (IsRefusedByLimits(e))
        {
            return WriteOutcome.Overlap;
        }
    }

    // One statement (one row, one bigint), behind the writer fence in the same round trip and implicit transaction.
    private async Task<long> FencedScalarAsync(NpgsqlBatchCommand statement, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        if (fence is not null)
        {
            batch.BatchCommands.Add(fence.Command());
        }

        batch.BatchCommands.Add(statement);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (fence is not null)
            {
                await reader.NextResultAsync(cancellationToken);
            }

            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("A fenced statement returned no row.");
            }

            return reader.GetInt64(0);
        }
        catch (PostgresException e) when (WriterFence.Refusal(e) is { } refused)
        {
            throw refused;
        }
    }

    // Refusals by the seat and buffer guards: an overlap on a seat, or a seat beyond capacity.
    private static bool IsRefusedByLimits(PostgresException e) =>
        e.SqlState == ExclusionViolation || (e.SqlState == PostgresErrorCodes.CheckViolation && e.ConstraintName == "bookings_within_limits");

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

    private static void AddAudit(NpgsqlParameterCollection p, IReadOnlyList<AuditEntry> entries)
    {
        p.AddWithValue("auditActor", entries.Select(e => e.Actor).ToArray());
        p.AddWithValue("auditEntity", entries.Select(e => e.Entity).ToArray());
        p.AddWithValue("auditEntityId", entries.Select(e => e.EntityId).ToArray());
        p.AddWithValue("auditAction", entries.Select(e => e.Action).ToArray());
        p.AddWithValue("auditDetails", entries.Select(e => e.DetailsJson).ToArray());
    }

    private static void AddKey(NpgsqlParameterCollection p, BookingKeyRow? key)
    {
        var at = key?.At ?? default;
        var (expired, abandoned) = IdempotencyKeys.Thresholds(at);
        p.AddWithValue("keyAt", at);
        p.AddWithValue("keyed", key is not null);
        p.AddWithValue("keyUser", key?.UserId ?? "");
        p.AddWithValue("key", key?.Key ?? "");
        p.AddWithValue("keyHash", key?.RequestHash ?? []);
        p.AddWithValue("keyLocation", key?.Location ?? "");
        p.AddWithValue("keyExpired", expired);
        p.AddWithValue("keyAbandoned", abandoned);
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
}
