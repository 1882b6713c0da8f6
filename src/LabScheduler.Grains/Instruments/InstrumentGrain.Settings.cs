using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Availability;
using LabScheduler.Domain.Bookings;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
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
        if (state.State.Definition is not null)
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

        state.State.Definition = definition;
        state.State.LabId = lab.LabId;
        state.State.TimeZone = lab.TimeZone;
        state.State.MemberState = lab.MemberState;
        state.State.PartnerStates = [.. lab.PartnerStates];
        await store.SetLimitsAsync(Id, definition.Rules.Capacity, definition.Rules.BufferMinutes, []);
        await state.WriteStateAsync();
        await ReportToCatalogAsync(definition);
        return CommandResult<InstrumentView>.Ok(View(definition));
    }

    async Task<CommandResult<InstrumentView>> IInstrumentGrain.UpdateAsync(Actor actor, InstrumentPatch patch)
    {
        var problem = Validate(patch.Name, patch.Category, patch.Rates, patch.Rules, partial: true);
        if (problem is not null)
        {
            return problem;
        }

        if (patch.Rules is { } rules && state.State.Definition is { } current)
        {
            if (await RefuseUnlessManager(actor, "change instruments") is { } refused)
            {
                return refused;
            }

            if (await ChangeLimitsAsync(actor, current.Rules, rules, patch.CancelConflicting) is { } conflict)
            {
                return conflict;
            }
        }

        return await ChangeSettings(actor, "change instruments", () =>
        {
            var definition = state.State.Definition!;
            state.State.Definition = definition with
            {
                Name = patch.Name ?? definition.Name,
                Category = patch.Category ?? definition.Category,
                Rates = patch.Rates ?? definition.Rates,
                Rules = patch.Rules ?? definition.Rules,
            };
            state.State.Status = patch.Status ?? state.State.Status;
        },
        patch);
    }

    Task<CommandResult<InstrumentView>> IInstrumentGrain.SetOpeningHoursAsync(Actor actor, OpeningHours hours) =>
        ChangeSettings(actor, "set opening hours", () => state.State.OpeningHours = hours, hours);

    Task<CommandResult<InstrumentView>> IInstrumentGrain.SetAuthorizationAsync(Actor actor, string userId, bool authorized) =>
        Checks.Id(userId, "userId") is { } problem
            ? Task.FromResult<CommandResult<InstrumentView>>(problem)
            : ChangeSettings(actor, "record training sign-offs", () =>
            {
                state.State.AuthorizedUsers.Remove(userId);
                if (authorized)
                {
                    state.State.AuthorizedUsers.Add(userId);
                }
            },
            new { userId, authorized });

    async Task<CommandResult<int>> IInstrumentGrain.SetTeamQuotaAsync(Actor actor, string teamId, int minutesPerMonth)
    {
        if (await RefuseUnlessManager(actor, "set quotas on this instrument") is { } refused)
        {
            return refused;
        }

        var set = await GrainFactory.GetGrain<ITeamGrain>(teamId).SetQuotaAsync(Id, minutesPerMonth);
        if (!set.IsSuccess)
        {
            return set.Problem!;
        }

        state.State.Quotas[teamId] = minutesPerMonth;
        await state.WriteStateAsync();
        await audit.RecordAsync(actor, "instrument", Id, "set quota", new { teamId, minutesPerMonth });
        return CommandResult<int>.Ok(minutesPerMonth);
    }

    async Task<CommandResult<Blackout>> IInstrumentGrain.AddBlackoutAsync(Actor actor, Interval interval, string reason, bool cancelConflicting, Guid? blackoutId)
    {
        if (blackoutId is { } requested && state.State.Blackouts.FirstOrDefault(b => b.Id == requested) is { } existing)
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
        var blackout = new Blackout(blackoutId ?? Guid.CreateVersion7(), interval, reason);
        state.State.Blackouts.Add(blackout);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not in force: memory stays as storage is.
            state.State.Blackouts.Remove(blackout);
            throw;
        }

        await ReportToCatalogAsync(state.State.Definition!);
        await audit.RecordAsync(actor, "instrument", Id, "blackout", new { blackout.Id, start = interval.Start.ToString(), end = interval.End.ToString(), reason });
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
        if (state.State.Definition is null)
        {
            return Checks.NotFound("instrument", Id);
        }

        return (await Rights.OfAsync(GrainFactory, actor)).Manages(state.State.LabId) ? null : Rights.ManagersOnly(state.State.LabId, what);
    }

    private async Task<CommandResult<InstrumentView>> ChangeSettings(Actor actor, string what, Action change, object? details = null)
    {
        if (await RefuseUnlessManager(actor, what) is { } refused)
        {
            return refused;
        }

        change();
        await state.WriteStateAsync();
        await ReportToCatalogAsync(state.State.Definition!);
        await audit.RecordAsync(actor, "instrument", Id, what, details);
        return CommandResult<InstrumentView>.Ok(View(state.State.Definition!));
    }

    // The catalog keeps what slot search needs, so a search never activates instruments.
    private Task ReportToCatalogAsync(InstrumentDefinition definition) =>
        GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).UpsertInstrumentAsync(new InstrumentEntry
        {
            Id = Id,
            LabId = state.State.LabId,
            Category = definition.Category,
            MemberState = state.State.MemberState,
            Status = state.State.Status,
            TimeZone = state.State.TimeZone,
            Rules = definition.Rules,
            OpeningHours = state.State.OpeningHours,
            Blackouts = [.. state.State.Blackouts.Select(b => b.Interval)],
            AuthorizedUsers = [.. state.State.AuthorizedUsers],
        });

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
