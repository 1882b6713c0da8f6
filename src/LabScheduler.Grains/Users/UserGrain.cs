using System.Security.Cryptography;
using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Directory;

namespace LabScheduler.Grains.Users;

/// <summary>Grain state of a user.</summary>
public sealed class UserState
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
    DirectoryStore directory) : Grain, IUserGrain
{
    private string Id => this.GetPrimaryKeyString();

    async Task<CommandResult<UserView>> IUserGrain.CreateAsync(Actor actor, UserProfile profile)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("create users");
        }

        if (state.State.Profile is not null)
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
        state.State.Profile = profile;
        await state.WriteStateAsync();
        await audit.RecordAsync(actor, "user", Id, "created", profile);
        return CommandResult<UserView>.Ok(View(profile));
    }

    async Task<CommandResult<UserView>> IUserGrain.GetAsync(Actor actor)
    {
        if (actor.UserId != Id && !(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the user and administrators may read a user.");
        }

        return state.State.Profile is { } profile ? CommandResult<UserView>.Ok(View(profile)) : Checks.NotFound("user", Id);
    }

    async Task<CommandResult<UserView>> IUserGrain.UpdateAsync(Actor actor, UserPatch patch)
    {
        if (actor.UserId != Id || state.State.Profile is not { } current)
        {
            return state.State.Profile is null ? Checks.NotFound("user", Id) : new Problem(ErrorCodes.Forbidden, "Only the user may change their own profile.");
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

        state.State.Profile = updated;
        await state.WriteStateAsync();
        await audit.RecordAsync(actor, "user", Id, "updated", patch);
        return CommandResult<UserView>.Ok(View(updated));
    }

    private static Problem? Language(string language) =>
        UserLanguages.IsSupported(language) ? null : new Problem(ErrorCodes.Validation, $"language must be one of {string.Join(", ", UserLanguages.Supported)}.");

    Task<UserProfile?> IUserGrain.GetProfileAsync() => Task.FromResult(state.State.Profile);

    Task<Access> IUserGrain.GetAccessAsync() => Task.FromResult(new Access
    {
        UserId = Id,
        Exists = state.State.Profile is not null,
        IsAdmin = state.State.Profile?.IsAdmin == true,
        Teams = [.. state.State.Teams],
        ManagedLabs = [.. state.State.ManagedLabs],
    });

    async Task<CommandResult<string>> IUserGrain.RotateFeedTokenAsync(Actor actor)
    {
        if (actor.UserId != Id || state.State.Profile is null)
        {
            return new Problem(ErrorCodes.Forbidden, "Only the user may make a calendar feed token.");
        }

        var token = $"{Id}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant()}";
        state.State.FeedTokenHash = Hash(token);
        await state.WriteStateAsync();
        return CommandResult<string>.Ok(token);
    }

    Task<bool> IUserGrain.IsFeedTokenAsync(string token) =>
        Task.FromResult(state.State.FeedTokenHash is { } hash && CryptographicOperations.FixedTimeEquals(Convert.FromHexString(hash), Convert.FromHexString(Hash(token))));

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    Task IUserGrain.SetTeamAsync(string teamId, bool member) => SetMembership(state.State.Teams, teamId, member);

    Task IUserGrain.SetManagedLabAsync(string labId, bool manages) => SetMembership(state.State.ManagedLabs, labId, manages);

    private async Task SetMembership(List<string> list, string id, bool present)
    {
        var changed = present ? !list.Contains(id) : list.Remove(id);
        if (!changed)
        {
            return;
        }

        if (present)
        {
            list.Add(id);
        }

        await state.WriteStateAsync();
    }

    private UserView View(UserProfile profile) => new()
    {
        Profile = profile,
        Teams = [.. state.State.Teams],
        ManagedLabs = [.. state.State.ManagedLabs],
    };
}
