using System.Security.Cryptography;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Directory;
using Microsoft.Extensions.Logging;

namespace LabScheduler.Grains.Users;

/// <summary>Grain state of a user (changed as a copy: see <see cref="StoredState{T}"/>).</summary>
public sealed record UserState
{
    public UserProfile? Profile { get; set; }

    public List<string> Teams { get; set; } = [];

    public List<string> ManagedLabs { get; set; } = [];

    /// <summary>SHA-256 of the calendar feed token (the token itself is shown once, never stored).</summary>
    public string? FeedTokenHash { get; set; }
}

/// <inheritdoc cref="IUserGrain"/>
public sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<UserState> state,
    Auditor audit,
    DirectoryStore directory,
    IGrainContext grain,
    ILogger<UserGrain> logger) : Grain, IUserGrain
{
    private readonly StoredState<UserState> _stored = new(state, grain, logger);

    private string Id => this.GetPrimaryKeyString();

    async Task<CommandResult<UserView>> IUserGrain.CreateAsync(Actor actor, UserProfile profile)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("create users");
        }

        if (_stored.State.Profile is not null)
        {
            return Checks.Exists("user", Id);
        }

        var problem = Checks.First(
            profile.Id == Id ? null : new Problem(ErrorCodes.Validation, "The profile's id is not the grain's."),
            Checks.Id(profile.Id, "id"),
            Checks.Text(profile.DisplayName, "displayName"),
            Checks.Email(profile.Email),
            Checks.Zone(profile.TimeZone),
            Checks.State(profile.MemberState, "memberState"),
            profile.Roles.All(r => r == UserRoles.Admin) ? null : new Problem(ErrorCodes.Validation, "roles may only contain \"admin\"."),
            Language(profile.Language));
        if (problem is not null)
        {
            return problem;
        }

        // The directory row first: a failed state write leaves a row lists skip, never a user lists miss.
        await directory.UpsertUserAsync(Id, profile.DisplayName, profile.Email);
        if (await _stored.WriteAsync(_stored.State with { Profile = profile }) is { } notStored)
        {
            return notStored;
        }

        await audit.RecordAsync(actor, "user", Id, "created", profile);
        return CommandResult<UserView>.Ok(View(profile));
    }

    async Task<CommandResult<UserView>> IUserGrain.GetAsync(Actor actor)
    {
        if (actor.UserId != Id && !(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the user and administrators may read a user.");
        }

        return _stored.State.Profile is { } profile ? CommandResult<UserView>.Ok(View(profile)) : Checks.NotFound("user", Id);
    }

    async Task<CommandResult<UserView>> IUserGrain.UpdateAsync(Actor actor, UserPatch patch)
    {
        if (actor.UserId != Id || _stored.State.Profile is not { } current)
        {
            return _stored.State.Profile is null ? Checks.NotFound("user", Id) : new Problem(ErrorCodes.Forbidden, "Only the user may change their own profile.");
        }

        var problem = Checks.First(
            patch.DisplayName is null ? null : Checks.Text(patch.DisplayName, "displayName"),
            patch.TimeZone is null ? null : Checks.Zone(patch.TimeZone),
            patch.Language is null ? null : Language(patch.Language));
        if (problem is not null)
        {
            return problem;
        }

        var updated = current with
        {
            DisplayName = patch.DisplayName ?? current.DisplayName,
            TimeZone = patch.TimeZone ?? current.TimeZone,
            Language = patch.Language ?? current.Language,
        };
        if (updated == current)
        {
            return CommandResult<UserView>.Ok(View(current));
        }

        if (updated.DisplayName != current.DisplayName)
        {
            await directory.UpsertUserAsync(Id, updated.DisplayName, updated.Email);
        }

        if (await _stored.WriteAsync(_stored.State with { Profile = updated }) is { } notStored)
        {
            return notStored;
        }

        await audit.RecordAsync(actor, "user", Id, "updated", patch);
        return CommandResult<UserView>.Ok(View(updated));
    }

    private static Problem? Language(string language) =>
        UserLanguages.IsSupported(language) ? null : new Problem(ErrorCodes.Validation, $"language must be one of {string.Join(", ", UserLanguages.Supported)}.");

    Task<UserProfile?> IUserGrain.GetProfileAsync() => Task.FromResult(_stored.State.Profile);

    Task<Access> IUserGrain.GetAccessAsync() => Task.FromResult(new Access
    {
        UserId = Id,
        Exists = _stored.State.Profile is not null,
        IsAdmin = _stored.State.Profile?.IsAdmin == true,
        Teams = [.. _stored.State.Teams],
        ManagedLabs = [.. _stored.State.ManagedLabs],
    });

    async Task<CommandResult<string>> IUserGrain.RotateFeedTokenAsync(Actor actor)
    {
        if (actor.UserId != Id || _stored.State.Profile is null)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the user may make a calendar feed token.");
        }

        var token = $"{Id}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant()}";
        return await _stored.WriteAsync(_stored.State with { FeedTokenHash = Hash(token) }) is { } notStored
            ? notStored
            : CommandResult<string>.Ok(token);
    }

    Task<bool> IUserGrain.IsFeedTokenAsync(string token) =>
        Task.FromResult(_stored.State.FeedTokenHash is { } hash && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(hash), Convert.FromHexString(Hash(token))));

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    Task<Problem?> IUserGrain.SetTeamAsync(string teamId, bool member) =>
        _stored.State.Teams.Contains(teamId) == member ? Task.FromResult<Problem?>(null)
            : _stored.WriteAsync(_stored.State with { Teams = Membership.Changed(_stored.State.Teams, teamId, member) });

    Task<Problem?> IUserGrain.SetManagedLabAsync(string labId, bool manages) =>
        _stored.State.ManagedLabs.Contains(labId) == manages ? Task.FromResult<Problem?>(null)
            : _stored.WriteAsync(_stored.State with { ManagedLabs = Membership.Changed(_stored.State.ManagedLabs, labId, manages) });

    private UserView View(UserProfile profile) => new()
    {
        Profile = profile,
        Teams = [.. _stored.State.Teams],
        ManagedLabs = [.. _stored.State.ManagedLabs],
    };
}
