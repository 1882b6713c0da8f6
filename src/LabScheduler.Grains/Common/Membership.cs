using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;

namespace LabScheduler.Grains.Common;

/// <summary>
/// Adding a user to a team's members or a lab's managers, or removing one: the one routine both
/// grains follow. Administrators only; an added user must exist. The group's grain stores its list
/// first, then the user's grain (where access checks read the change) is told, every time, so a
/// retry repairs whatever a failure between the two writes left behind. A write that could not be
/// stored is answered 503 <c>unavailable</c> and grants nothing that is not stored.
/// </summary>
/// <param name="entity">"team" or "lab": the entity in refusals and in the audit log.</param>
/// <param name="role">"member" or "manager": the audit actions are "{role}-added" and "{role}-removed".</param>
/// <param name="tellUser">Records the change on the user's side (user, group id, whether added).</param>
internal sealed class Membership(string entity, string role, Func<IUserGrain, string, bool, Task<Problem?>> tellUser)
{
    public static Membership TeamMembers { get; } = new("team", "member", (user, teamId, member) => user.SetTeamAsync(teamId, member));

    public static Membership LabManagers { get; } = new("lab", "manager", (user, labId, manages) => user.SetManagedLabAsync(labId, manages));

    /// <param name="profile">The group's profile; null when there is no such group.</param>
    /// <param name="people">The group's list now.</param>
    /// <param name="store">Stores the group's new list; a problem when it could not.</param>
    /// <param name="view">The group's view, made once the change is done.</param>
    public async Task<CommandResult<TView>> ChangeAsync<TProfile, TView>(
        IGrainFactory grains, Auditor audit, Actor actor, string groupId, string userId, bool add,
        TProfile? profile, IReadOnlyList<string> people, Func<List<string>, Task<Problem?>> store, Func<TProfile, TView> view)
        where TProfile : class
    {
        if (!(await Rights.OfAsync(grains, actor)).IsAdmin)
        {
            return Rights.AdminOnly($"change {entity} {role}s");
        }

        if (profile is null)
        {
            return Checks.NotFound(entity, groupId);
        }

        if (Checks.Id(userId, "userId") is { } problem)
        {
            return problem;
        }

        var user = grains.GetGrain<IUserGrain>(userId);
        if (add && !(await user.GetAccessAsync()).Exists)
        {
            return Checks.NotFound("user", userId);
        }

        if (people.Contains(userId) != add)
        {
            if (await store(Changed(people, userId, add)) is { } notStored)
            {
                return notStored;
            }

            // Recorded once the group's change is stored, whatever becomes of the user's side.
            await audit.RecordAsync(actor, entity, groupId, $"{role}-{(add ? "added" : "removed")}", new { userId });
        }

        return await tellUser(user, groupId, add) is { } userNotStored ? userNotStored : CommandResult<TView>.Ok(view(profile));
    }

    /// <summary>A new list: <paramref name="people"/> with <paramref name="id"/> added (it was not in it) or removed.</summary>
    public static List<string> Changed(IReadOnlyList<string> people, string id, bool present) =>
        present ? [.. people, id] : [.. people.Where(p => p != id)];
}
