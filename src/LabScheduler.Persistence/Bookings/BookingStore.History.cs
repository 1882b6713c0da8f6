using LabScheduler.Contracts.Bookings;
using LabScheduler.Domain.Bookings;
using LabScheduler.Persistence.Accounting;
using LabScheduler.Persistence.Audit;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Persistence.Bookings;

public sealed partial class BookingStore
{
    /// <summary>
    /// Writes bookings that are over (completed, no-show, cancelled) with their ledger rows and one
    /// audit record, in one statement. A booking whose id is stored already is left as it is, and so
    /// is its ledger row, so an import run twice writes nothing the second time. Returns how many
    /// bookings were written.
    /// </summary>
    /// <remarks>Rows that hold no time take no seat and block nothing, so they never meet the overlap guard.</remarks>
    public async Task<int> InsertHistoryAsync(
        IReadOnlyList<Booking> bookings, IReadOnlyList<LedgerEntry> ledger, AuditEntry audit, Instant at, CancellationToken cancellationToken = default)
    {
        if (bookings.Any(b => BookingLifecycle.HoldsTime(b.Status)))
        {
            throw new ArgumentException("Only bookings that are over can be written as history.", nameof(bookings));
        }

        await using var command = dataSource.CreateCommand("""
            WITH written AS (
                INSERT INTO bookings (id, instrument_id, lab_id, team_id, user_id, status, during, exclusive, purpose, status_reason,
                                      created_at, updated_at, version, series_id, checked_in_at, ended_at, team_state, seat)
                SELECT b.id, b.instrument, b.lab, b.team, b.usr, b.status, b.during, b.exclusive, b.purpose, b.reason,
                       b.created, b.updated, 1, NULL, b.checked_in, b.ended, b.team_state, 0
                FROM unnest(@id, @instrument, @lab, @team, @user, @status, @during, @exclusive, @purpose, @reason,
                            @created, @updated, @checkedIn, @ended, @teamState)
                     AS b(id, instrument, lab, team, usr, status, during, exclusive, purpose, reason, created, updated, checked_in, ended, team_state)
                ON CONFLICT (id) DO NOTHING
                RETURNING id),
            ledger AS (
                INSERT INTO usage_ledger (id, booking_id, kind, reverses, team_id, team_state, instrument_id, lab_id, lab_state, tariff,
                                          booked_minutes, actual_minutes, charged_minutes, hourly_rate, amount, currency, month, created_at)
                SELECT l.id, l.booking, l.kind, NULL, l.team, l.team_state, l.instrument, l.lab, l.lab_state, l.tariff,
                       l.booked, l.actual, l.charged, l.rate, l.amount, l.currency, l.month, l.created
                FROM unnest(@lId, @lBooking, @lKind, @lTeam, @lTeamState, @lInstrument, @lLab, @lLabState, @lTariff,
                            @lBooked, @lActual, @lCharged, @lRate, @lAmount, @lCurrency, @lMonth, @lCreated)
                     AS l(id, booking, kind, team, team_state, instrument, lab, lab_state, tariff, booked, actual, charged, rate, amount, currency, month, created)
                WHERE l.booking IN (SELECT id FROM written)),
            audited AS (
                INSERT INTO audit_log (at, actor, entity, entity_id, action, details)
                SELECT @auditAt, @auditActor, @auditEntity, @auditEntityId, @auditAction, jsonb_set(@auditDetails::jsonb, '{bookings}', to_jsonb((SELECT count(*) FROM written)))
                WHERE EXISTS (SELECT 1 FROM written))
            SELECT count(*)::int FROM written
            """);
        var p = command.Parameters;
        p.AddWithValue("id", bookings.Select(b => b.Id).ToArray());
        p.AddWithValue("instrument", bookings.Select(b => b.InstrumentId).ToArray());
        p.AddWithValue("lab", bookings.Select(b => b.LabId).ToArray());
        p.AddWithValue("team", bookings.Select(b => b.TeamId).ToArray());
        p.AddWithValue("user", bookings.Select(b => b.UserId).ToArray());
        p.AddWithValue("status", bookings.Select(b => BookingLifecycle.ToWire(b.Status)).ToArray());
        p.AddWithValue("during", NpgsqlDbType.Array | NpgsqlDbType.TimestampTzRange, bookings.Select(b => b.Interval).ToArray());
        p.AddWithValue("exclusive", bookings.Select(b => b.Exclusive).ToArray());
        p.AddWithValue("purpose", bookings.Select(b => b.Purpose).ToArray());
        p.AddWithValue("reason", NpgsqlDbType.Array | NpgsqlDbType.Text, bookings.Select(b => (object?)b.StatusReason ?? DBNull.Value).ToArray());
        p.AddWithValue("created", bookings.Select(b => b.CreatedAt).ToArray());
        p.AddWithValue("updated", bookings.Select(b => b.UpdatedAt).ToArray());
        p.AddWithValue("checkedIn", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, bookings.Select(b => (object?)b.CheckedInAt ?? DBNull.Value).ToArray());
        p.AddWithValue("ended", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, bookings.Select(b => (object?)b.EndedAt ?? DBNull.Value).ToArray());
        p.AddWithValue("teamState", bookings.Select(b => b.TeamState).ToArray());

        p.AddWithValue("lId", ledger.Select(l => l.Id).ToArray());
        p.AddWithValue("lBooking", ledger.Select(l => l.BookingId).ToArray());
        p.AddWithValue("lKind", ledger.Select(l => l.Kind).ToArray());
        p.AddWithValue("lTeam", ledger.Select(l => l.TeamId).ToArray());
        p.AddWithValue("lTeamState", ledger.Select(l => l.TeamState).ToArray());
        p.AddWithValue("lInstrument", ledger.Select(l => l.InstrumentId).ToArray());
        p.AddWithValue("lLab", ledger.Select(l => l.LabId).ToArray());
        p.AddWithValue("lLabState", ledger.Select(l => l.LabState).ToArray());
        p.AddWithValue("lTariff", ledger.Select(l => l.Tariff).ToArray());
        p.AddWithValue("lBooked", ledger.Select(l => l.BookedMinutes).ToArray());
        p.AddWithValue("lActual", ledger.Select(l => l.ActualMinutes).ToArray());
        p.AddWithValue("lCharged", ledger.Select(l => l.ChargedMinutes).ToArray());
        p.AddWithValue("lRate", ledger.Select(l => l.HourlyRate).ToArray());
        p.AddWithValue("lAmount", ledger.Select(l => l.Amount).ToArray());
        p.AddWithValue("lCurrency", ledger.Select(l => l.Currency).ToArray());
        p.AddWithValue("lMonth", ledger.Select(l => l.Month).ToArray());
        p.AddWithValue("lCreated", ledger.Select(l => l.CreatedAt).ToArray());

        p.AddWithValue("auditAt", at);
        p.AddWithValue("auditActor", audit.Actor);
        p.AddWithValue("auditEntity", audit.Entity);
        p.AddWithValue("auditEntityId", audit.EntityId);
        p.AddWithValue("auditAction", audit.Action);
        p.AddWithValue("auditDetails", audit.DetailsJson);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
