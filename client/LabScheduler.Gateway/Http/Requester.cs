using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using LabScheduler.Domain.Time;
using LabScheduler.Gateway.Auth;
using NodaTime;

namespace LabScheduler.Gateway.Http;

/// <summary>The zone responses are rendered in for the caller: ?tz= when given, else the user's home zone.</summary>
public static class Requester
{
    public static async Task<(DateTimeZone? Zone, IResult? Problem)> ZoneAsync(HttpContext http, IGrainFactory grains, string? tz)
    {
        if (tz is not null)
        {
            return Input.TryZone(tz, out var requested)
                ? (requested, null)
                : (null, ApiProblem.Result(ErrorCodes.UnknownZone, $"'{tz}' is not a time zone of the IANA database {LabTime.ZoneDatabaseVersion}."));
        }

        var directory = http.RequestServices.GetRequiredService<GatewayDirectory>();
        return (await directory.HomeZoneAsync(http.User.Actor().UserId), null);
    }
}
