using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Instruments;
using NodaTime;

namespace LabScheduler.Grains.Instruments;

/// <remarks>
/// Settings: the instrument's definition, rules, opening hours, training sign-offs, team quotas and
/// blackouts. Only the lab's managers change them; each change is stored before it is in force.
/// </remarks>
public sealed partial class InstrumentGrain
{
    async Task<CommandResult<InstrumentView>> IInstrumentGrain.InitializeAsync(InstrumentDefinition definition, LabPlacement lab)
    {
        if (_row is not null)
        {
            return Checks.Exists("instrument", Id);
        }

        var problem = Checks.First(
            definition.Id == Id ? null : new Problem(ErrorCodes.Validation, "The definition's id is not the grain's."),
            Checks.Id(definition.Id, "id"),
            Checks.Id(lab.LabId, "labId"),
            Checks.Zone(lab.TimeZone),
            Validate(definition.Name, definition.Category, definition.Rates, definition.Rules),
            definition.Currency is { Length: 3 } c && c.All(char.IsAsciiLetterUpper) ? null : new Problem(ErrorCodes.Validation, "currency must be an ISO 4217 code."));
        if (problem is not null)
        {
            return problem;
        }

        var row = new InstrumentRow
        {
            Definition = definition,
            LabId = lab.LabId,
            TimeZone = lab.TimeZone,
            MemberState = lab.MemberState,
            PartnerStates = [.. lab.PartnerStates],
            Version = 1,
        };
        await store.SetLimitsAsync(Id, definition.Rules.Capacity, definition.Rules.BufferMinutes, []);
        if (!await instruments.InsertAsync(row, audit: null))
        {
            return Checks.Exists("instrument", Id);
        }

        _row = row;
        _blackoutsFrom = Now() - BlackoutMemory;
        return CommandResult<InstrumentView>.Ok(View(row));
    }

    async Task<CommandResult<InstrumentView>> IInstrumentGrain.UpdateAsync(Actor actor, InstrumentPatch patch)
    {
        var problem = Validate(patch.Name, patch.Category, patch.Rates, patch.Rules, partial: true);
        if (problem is not null)
        {
            return problem;
        }

        if (patch.Rules is { } rules && _row is { } current)
        {
            if (await RefuseUnlessManager(actor, "change instruments") is { } refused)
            {
                return refused;
            }

            if (await ChangeLimitsAsync(actor, current.Definition.Rules, rules, patch.CancelConflicting) is { } conflict)
            {
                return conflict;
            }
        }

        return await ChangeSettingsAsync(actor, "change instruments", row => row with
        {
            Definition = row.Definition with
            {
                Name = patch.Name ?? row.Definition.Name,
                Category = patch.Category ?? row.Definition.Category,
                Rates = patch.Rates ?? row.Definition.Rates,
                Rules = patch.Rules ?? row.Definition.Rules,
            },
            Status = patch.Status ?? row.Status,
        },
        patch);
    }

    Task<CommandResult<InstrumentView>> IInstrumentGrain.SetOpeningHoursAsync(Actor actor, OpeningHours hours) =>
        ChangeSettingsAsync(actor, "set opening hours", row => row with { OpeningHours = hours }, hours);

    async Task<CommandResult<InstrumentView>> IInstrumentGrain.SetAuthorizationAsync(Actor actor, string userId, bool authorized)
    {
        if (Checks.Id(userId, "userId") is { } problem)
        {
            return problem;
        }

        const string What = "record training sign-offs";
        if (await RefuseUnlessManager(actor, What) is { } refused)
        {
            return refused;
        }

        // Copy, store, then swap: an access check in between sees the grant only once it is stored.
        var next = _authorized.ToHashSet();
        if (authorized)
        {
            next.Add(userId);
        }
        else
        {
            next.Remove(userId);
        }

        if (await StoreSettingAsync(() => instruments.SetAuthorizationAsync(Id, userId, authorized, AuditOf(actor, "instrument", Id, What, new { userId, authorized }))) is { } failed)
        {
            return failed;
        }

        _authorized = next;
        return CommandResult<InstrumentView>.Ok(View(_row!));
    }

    async Task<CommandResult<int>> IInstrumentGrain.SetTeamQuotaAsync(Actor actor, string teamId, int minutesPerMonth)
    {
        const string What = "set quotas on this instrument";
        if (await RefuseUnlessManager(actor, What) is { } refused)
        {
            return refused;
        }

        if (minutesPerMonth < 0)
        {
            return new Problem(ErrorCodes.Validation, "minutesPerMonth must not be negative.");
        }

        var team = GrainFactory.GetGrain<ITeamGrain>(teamId);
        if (await team.GetAsync() is null)
        {
            return Checks.NotFound("team", teamId);
        }

        // The quota's one owner is its row; the team's view of its quotas is told after it is stored.
        if (await StoreSettingAsync(() => instruments.SetQuotaAsync(Id, teamId, minutesPerMonth, AuditOf(actor, "instrument", Id, "set quota", new { teamId, minutesPerMonth }))) is { } failed)
        {
            return failed;
        }

        _quotas = new Dictionary<string, int>(_quotas) { [teamId] = minutesPerMonth };
        await team.QuotaChangedAsync(Id, minutesPerMonth);
        return CommandResult<int>.Ok(minutesPerMonth);
    }

    async Task<CommandResult<Blackout>> IInstrumentGrain.AddBlackoutAsync(Actor actor, Interval interval, string reason, bool cancelConflicting, Guid? blackoutId)
    {
        if (blackoutId is { } requested
            && (_blackouts.FirstOrDefault(b => b.Id == requested) ?? await instruments.FindBlackoutAsync(Id, requested)) is { } existing)
        {
            if (existing.Interval != interval)
            {
                return Checks.Exists("blackout", requested.ToString());
            }

            // A retry: finish the cancellations the first attempt started (it may have stopped midway).
            return !cancelConflicting || await RefuseUnlessManager(actor, "black out this instrument") is not null
                ? CommandResult<Blackout>.Ok(existing)
                : await CancelUnderBlackoutAsync(actor, existing);
        }

        if (await RefuseUnlessManager(actor, "black out this instrument") is { } refused)
        {
            return refused;
        }

        if (interval.End <= interval.Start)
        {
            return new Problem(ErrorCodes.Validation, "The end must be after the start.");
        }

        var hit = _calendar.Overlapping(interval).Where(e => _holding.ContainsKey(e.Id)).Select(e => _holding[e.Id]).ToList();

        // A session in progress (checked in) cannot be cancelled: such a blackout is refused whatever the flag says,
        // before anything is written.
        var inProgress = hit.Where(b => b.Status == BookingStatus.CheckedIn).ToList();
        if (inProgress.Count > 0)
        {
            return new Problem(ErrorCodes.BlackoutConflict, $"The blackout would hit {inProgress.Count} session(s) in progress; start it after they end.")
            {
                Items = [.. inProgress.Select(b => b.Id.ToString())],
            };
        }

        if (hit.Count > 0 && !cancelConflicting)
        {
            return new Problem(ErrorCodes.BlackoutConflict, $"The blackout would hit {hit.Count} booking(s); set cancelConflicting to cancel them.")
            {
                Items = [.. hit.Select(b => b.Id.ToString())],
            };
        }

        // The blackout is in force before the bookings it hits are cancelled, so freed time is not offered inside it.
        // Not stored, not in force: memory takes the blackout only once its row is committed.
        var blackout = new Blackout(blackoutId ?? Guid.CreateVersion7(), interval, reason);
        var audited = AuditOf(actor, "instrument", Id, "blackout", new { blackout.Id, start = interval.Start.ToString(), end = interval.End.ToString(), reason });
        var inserted = false;
        if (await StoreSettingAsync(async () => inserted = await instruments.InsertBlackoutAsync(Id, blackout, audited)) is { } failed)
        {
            return failed;
        }

        if (!inserted)
        {
            // The same id was stored a moment ago by a request this activation did not see.
            return Checks.Exists("blackout", blackout.Id.ToString());
        }

        _blackouts = [.. _blackouts.Append(blackout).OrderBy(b => b.Interval.Start)];
        LogBlackout(logger, Id, interval.Start, interval.End, hit.Count);
        return await CancelUnderBlackoutAsync(actor, blackout);
    }

    // Cancels the bookings a stored blackout hits that still hold time (all of them, or those a first attempt left).
    private async Task<CommandResult<Blackout>> CancelUnderBlackoutAsync(Actor actor, Blackout blackout)
    {
        var hit = _calendar.Overlapping(blackout.Interval)
            .Where(e => _holding.TryGetValue(e.Id, out var b) && b.Status != BookingStatus.CheckedIn)
            .Select(e => _holding[e.Id]).ToList();
        foreach (var booking in hit)
        {
            var cancelled = await TransitionAsync(booking.Id, BookingStatus.Cancelled, $"Blackout: {blackout.Reason}", actor: actor);
            if (!cancelled.IsSuccess)
            {
                return cancelled.Problem!;
            }
        }

        return CommandResult<Blackout>.Ok(blackout);
    }

    private async Task<Problem?> RefuseUnlessManager(Actor actor, string what)
    {
        if (_row?.Definition is null)
        {
            return Checks.NotFound("instrument", Id);
        }

        return (await Rights.OfAsync(GrainFactory, actor)).Manages(LabId) ? null : Rights.ManagersOnly(LabId, what);
    }

    /// <summary>
    /// Copy, change the copy, store it, then swap: a failed or refused write leaves the grain as it
    /// was, and nothing that reads the settings in between sees a change that is not stored.
    /// </summary>
    private async Task<CommandResult<InstrumentView>> ChangeSettingsAsync(Actor actor, string what, Func<InstrumentRow, InstrumentRow> change, object? details = null)
    {
        if (await RefuseUnlessManager(actor, what) is { } refused)
        {
            return refused;
        }

        var current = _row!;
        var next = change(current) with { Version = current.Version + 1 };
        var stored = false;
        if (await StoreSettingAsync(async () => stored = await instruments.UpdateAsync(next, AuditOf(actor, "instrument", Id, what, details ?? new { }))) is { } failed)
        {
            return failed;
        }

        if (!stored)
        {
            // Another activation changed the row since this one read it: take the stored settings and let the caller decide again.
            await ReloadSettingsAsync();
            return new Problem(ErrorCodes.Unavailable, "The instrument's settings changed elsewhere a moment ago; try again.");
        }

        _row = next;
        return CommandResult<InstrumentView>.Ok(View(next));
    }

    private static Problem? Validate(string? name, string? category, Rates? rates, BookingRules? rules, bool partial = false)
    {
        var ruleErrors = rules?.Validate() ?? new Dictionary<string, string>();
        return Checks.First(
            partial && name is null ? null : Checks.Text(name, "name"),
            partial && category is null ? null : Checks.Category(category),
            rates is null ? (partial ? null : new Problem(ErrorCodes.Validation, "rates are required.")) :
                rates is { Internal: >= 0 and <= MaxRate, Partner: >= 0 and <= MaxRate, External: >= 0 and <= MaxRate }
                    ? null : new Problem(ErrorCodes.Validation, $"rates must be 0 to {MaxRate:0} an hour."),
            ruleErrors.Count == 0 ? null : new Problem(ErrorCodes.Validation, string.Join("; ", ruleErrors.Select(e => $"{e.Key} {e.Value}"))));
    }
}
