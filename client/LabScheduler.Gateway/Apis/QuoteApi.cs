using LabScheduler.Contracts.Labs;
using LabScheduler.Contracts.Teams;
using LabScheduler.Domain.Accounting;
using LabScheduler.Domain.Reference;
using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabScheduler.Gateway.Apis;

/// <summary>What an interval would cost a team, by the ledger's own rules.</summary>
public static class QuoteApi
{
    public sealed record QuoteResponse(string InstrumentId, string TeamId, string Tariff, decimal RatePerHour, int Minutes, decimal Amount, string Currency);

    public static RouteGroupBuilder MapQuoteApi(this RouteGroupBuilder api)
    {
        api.MapGet("/instruments/{id}/quote", Quote).WithName("Quote")
            .WithSummary("The price of an interval (start/end, or localStart/localEnd in the lab's time) at the team's tariff, charged as a session that runs as booked.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    private static async Task<Results<Ok<QuoteResponse>, ProblemHttpResult>> Quote(
        string id, string? teamId, string? start, string? end, string? localStart, string? localEnd, IGrainFactory grains)
    {
        if (await InstrumentsApi.Find(id, grains) is not { } instrument)
        {
            return ApiProblem.NotFound($"No instrument '{id}'.");
        }

        var input = new Input();
        var team = input.Id(teamId, "teamId");
        var zone = LabTime.FindZone(instrument.TimeZone).Value;
        var (interval, timeError) = input.Span(start, end, localStart, localEnd, zone);
        if (timeError is not null)
        {
            return ApiProblem.From(timeError);
        }

        if (!input.IsValid)
        {
            return ApiProblem.Validation(input.Errors);
        }

        var teamTask = grains.GetGrain<ITeamGrain>(team).GetAsync();
        var labTask = grains.GetGrain<ILabGrain>(instrument.LabId).GetAsync();
        if (await teamTask is not { } found || !ReferenceIds.IsValid(team))
        {
            return ApiProblem.NotFound($"No team '{team}'.");
        }

        var partners = (await labTask)?.Profile.PartnerStates ?? [];
        var tariff = Charging.TariffFor(found.Profile.MemberState, instrument.MemberState, partners);
        var rate = instrument.Definition.Rates.For(tariff);
        var charge = Pricing.Quote(interval!.Value, instrument.Definition.Rules.Charging, tariff, rate, zone);
        return TypedResults.Ok(new QuoteResponse(
            instrument.Id, team, tariff.ToString().ToLowerInvariant(), rate, charge.ChargedMinutes, charge.Amount, instrument.Definition.Currency));
    }
}
