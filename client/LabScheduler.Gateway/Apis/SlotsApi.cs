using LabScheduler.Contracts.Availability;
using LabScheduler.Domain.Reference;
using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Auth;
using LabScheduler.Gateway.Http;
using LabScheduler.Gateway.Views;
using NodaTime;

namespace LabScheduler.Gateway.Apis;

/// <summary>Cross-lab slot search.</summary>
public static class SlotsApi
{
    private static readonly Duration DefaultWindow = Duration.FromDays(14);
    private static readonly Duration MaxWindow = Duration.FromDays(31);

    public sealed record SlotView(string InstrumentId, string LabId, string Start, string End, ZonedSpan Lab, ZonedSpan Requester);

    public static RouteGroupBuilder MapSlotsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/slots", Find).WithName("FindSlots").Produces<Page<SlotsApi.SlotView>>()
            .WithSummary("Earliest free slots of a length on every active instrument of a category, in every lab, that the caller may book; sorted by start.");
        return api;
    }

    private static async Task<IResult> Find(
        string? category, int? durationMinutes, string? from, string? to, string? memberState, int? limit, string? tz,
        HttpContext http, IGrainFactory grains, IClock clock)
    {
        var input = new Input();
        var take = Cursor.Limit(limit, input);
        if (!ReferenceIds.IsValid(category))
        {
            input.Fail("category", "is required, e.g. \"nmr\"");
        }

        if (durationMinutes is not (>= 1 and <= 31 * 1440))
        {
            input.Fail("durationMinutes", "is required: whole minutes, 1 to 44640");
        }

        if (memberState is not null && !MemberStates.IsKnown(memberState))
        {
            input.Fail("memberState", "must be an ISO 3166-1 alpha-2 country code");
        }

        var (requester, problem) = await Requester.ZoneAsync(http, grains, tz);
        if (problem is not null)
        {
            return problem;
        }

        // Dates in from/to are read in the requester's zone (each lab's zone differs).
        var now = clock.GetCurrentInstant();
        var start = from is null ? now : input.InstantOrDate(from, "from", requester!);
        var end = to is null ? start + DefaultWindow : input.InstantOrDate(to, "to", requester!);
        if (start is { } s && end is { } e && (e <= s || e - s > MaxWindow))
        {
            input.Fail("to", "must be after from, at most 31 days later");
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var slots = await grains.GetGrain<ISlotSearchGrain>(0).FindAsync(http.User.Actor(), new SlotQuery
        {
            Category = category!,
            Length = Duration.FromMinutes(durationMinutes!.Value),
            Window = new Interval(start!.Value, end!.Value),
            MemberState = memberState,
            Limit = take,
        });
        return TypedResults.Ok(new Page<SlotView>([.. slots.Select(slot =>
        {
            var view = IntervalView.Of(slot.Interval, LabTime.FindZone(slot.TimeZone).Value, requester!);
            return new SlotView(slot.InstrumentId, slot.LabId, view.Start, view.End, view.Lab, view.Requester);
        })], null));
    }
}
