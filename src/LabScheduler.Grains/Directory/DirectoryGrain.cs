using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Directory;
using LabScheduler.Contracts.Teams;
using LabScheduler.Contracts.Users;
using LabScheduler.Grains.Common;
using LabScheduler.Persistence.Directory;
using Orleans.Concurrency;

namespace LabScheduler.Grains.Directory;

/// <inheritdoc cref="IDirectoryGrain"/>
[StatelessWorker]
public sealed class DirectoryGrain(DirectoryStore directory) : Grain, IDirectoryGrain
{
    // The demo sign-in picker lists at most this many users.
    private const int SignInLimit = 500;

    async Task<CommandResult<DirectoryPage<UserView>>> IDirectoryGrain.ListUsersAsync(Actor actor, string? query, string? afterId, int limit)
    {
        if (!(await Rights.OfAsync(GrainFactory, actor)).IsAdmin)
        {
            return Rights.AdminOnly("list users");
        }

        var ids = await directory.UserIdsAsync(query, afterId, limit + 1);
        var users = await Users(ids.Take(limit));
        return CommandResult<DirectoryPage<UserView>>.Ok(new(users, ids.Count > limit ? ids[limit - 1] : null));
    }

    async Task<CommandResult<DirectoryPage<TeamView>>> IDirectoryGrain.ListTeamsAsync(Actor actor, string? afterId, int limit)
    {
        var access = await Rights.OfAsync(GrainFactory, actor);
        var ids = access.IsAdmin
            ? await directory.TeamIdsAsync(afterId, limit + 1)
            : [.. access.Teams.Where(t => afterId is null || string.CompareOrdinal(t, afterId) > 0).Order(StringComparer.Ordinal).Take(limit + 1)];
        var teams = await Task.WhenAll(ids.Take(limit).Select(id => GrainFactory.GetGrain<ITeamGrain>(id).GetAsync()));
        return CommandResult<DirectoryPage<TeamView>>.Ok(new([.. teams.OfType<TeamView>()], ids.Count > limit ? ids[limit - 1] : null));
    }

    async Task<IReadOnlyList<UserView>> IDirectoryGrain.SignInUsersAsync() =>
        await Users(await directory.UserIdsAsync(null, null, SignInLimit));

    // Each user as their grain knows them; a directory row whose creation failed has no user and is left out.
    private async Task<IReadOnlyList<UserView>> Users(IEnumerable<string> ids)
    {
        var views = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IUserGrain>(id).GetAsync(Actor.System)));
        return [.. views.Where(v => v.IsSuccess).Select(v => v.Value!)];
    }
}
