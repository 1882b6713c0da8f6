using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;

namespace LabScheduler.Grains.Common;

/// <summary>
/// Adding a user to a team's members or a lab's managers, or removing one: the one routine both
/// grains follow. Administrators only; an added user must exist. The group's grain stores its list
/// first, then the user's grain (where access checks read the change) is told, every time, so a
/// retry repairs whatever a failure between the two writes left behind.
/// </summary>
/// <param name="entity">"team" or "lab": the entity in refusals and in the audit log.</param>
/// <param name="role">"member" or "manager": the audit actions are "{role}-added" and "{role}-removed".</param>
/// <param name="tellUser">Records the change on the user's side (user, group id, whether added).</param>
internal sealed class Membership(string entity, string role, Func<IUserGrain, string, bool, Task> tellUser)
{
    public static Membership TeamMembers { get; } = new("team", "member", (user, teamId, member) => user.SetTeamAsync(teamId, member));

    public static Membership LabManagers { get; } = new("lab", "manager", (user, labId, manages) => user.SetManagedLabAsync(labId, manages));

    /// <param name="profile">The group's profile; null when there is no such group.</param>
    /// <param name="people">The group's list now.</param>
    /// <param name="store">Stores the group's new list.</param>
    /// <param name="view">The group's view, made once the change is done.</param>
    public async Task<CommandResult<TView>> ChangeAsync<TProfile, TView>(
        IGrainFactory grains, Auditor audit, Actor actor, string groupId, string userId, bool add,
        TProfile? profile, IReadOnlyList<string> people, Func<List<string>, Task> store, Func<TProfile, TView> view)
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

        var changed = people.Contains(userId) != add;
        if (changed)
        {
            await store(add ? [.. people, userId] : [.. people.Where(p => p != userId)]);
        }

        await tellUser(user, groupId, add);
        if (changed)
        {
            await audit.RecordAsync(actor, entity, groupId, $"{role}-{(add ? "added" : "removed")}", new { userId });
        }

        return CommandResult<TView>.Ok(view(profile));
    }
}
