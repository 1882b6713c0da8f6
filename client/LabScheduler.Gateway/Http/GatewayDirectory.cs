using System.Collections.Concurrent;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Reference;
using NodaTime;

namespace LabScheduler.Gateway.Http;

/// <summary>
/// What the gateway asks the grains on nearly every request, remembered so that a request makes one
/// grain call instead of four: whether a token's subject is a user, the user's home zone, and an
/// instrument's lab zone. Only what cannot turn false is kept for good (users and instruments are
/// never deleted, a lab's zone never changes); a home zone is kept <see cref="HomeZoneLifetime"/>,
/// and forgotten at once when the user changes it through this gateway. Unknown ids are never kept,
/// so a client cannot fill the memory with made-up ones.
/// </summary>
public sealed class GatewayDirectory(IGrainFactory grains, IClock clock)
{
    /// <summary>How long another gateway may still render in a home zone the user has just changed.</summary>
    public static readonly Duration HomeZoneLifetime = Duration.FromSeconds(10);

    private readonly ConcurrentDictionary<string, bool> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeZone Zone, Instant Until)> _homeZones = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeZone> _instrumentZones = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="userId"/> is a known user.</summary>
    public async ValueTask<bool> UserExistsAsync(string userId)
    {
        if (_users.ContainsKey(userId))
        {
            return true;
        }

        if (!ReferenceIds.IsValid(userId) || !(await grains.GetGrain<IUserGrain>(userId).GetAccessAsync()).Exists)
        {
            return false;
        }

        _users[userId] = true;
        return true;
    }

    /// <summary>The user's home zone (UTC for an unknown user or a zone this database lacks).</summary>
    public async ValueTask<DateTimeZone> HomeZoneAsync(string userId)
    {
        var now = clock.GetCurrentInstant();
        if (_homeZones.TryGetValue(userId, out var known) && now < known.Until)
        {
            return known.Zone;
        }

        var profile = await grains.GetGrain<IUserGrain>(userId).GetProfileAsync();
        if (profile is null || !Input.TryZone(profile.TimeZone, out var zone))
        {
            return DateTimeZone.Utc;
        }

        _homeZones[userId] = (zone, now + HomeZoneLifetime);
        return zone;
    }

    /// <summary>Forgets a user's home zone (they changed their settings).</summary>
    public void ForgetHomeZone(string userId) => _homeZones.TryRemove(userId, out _);

    /// <summary>The zone of the instrument's lab, or null for a malformed or unknown id.</summary>
    public async ValueTask<DateTimeZone?> InstrumentZoneAsync(string instrumentId)
    {
        if (_instrumentZones.TryGetValue(instrumentId, out var known))
        {
            return known;
        }

        if (!ReferenceIds.IsValid(instrumentId)
            || await grains.GetGrain<IInstrumentGrain>(instrumentId).GetAsync() is not { } instrument
            || !Input.TryZone(instrument.TimeZone, out var zone))
        {
            return null;
        }

        _instrumentZones[instrumentId] = zone;
        return zone;
    }
}
