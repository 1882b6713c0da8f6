using LabScheduler.Contracts.Common;
using LabScheduler.Contracts.Users;
using LabScheduler.Domain.Errors;

namespace LabScheduler.Grains.Common;

/// <summary>Looks up what an actor may do, and words the refusals.</summary>
internal static class Rights
{
    public static async Task<Access> OfAsync(IGrainFactory grains, Actor actor) =>
        actor.IsSystem ? Access.ForSystem : await grains.GetGrain<IUserGrain>(actor.UserId).GetAccessAsync();

    public static Problem AdminOnly(string what) => new(ErrorCodes.Forbidden, $"Only an administrator may {what}.");

    public static Problem ManagersOnly(string labId, string what) =>
        new(ErrorCodes.Forbidden, $"Only a manager of lab '{labId}' or an administrator may {what}.");
}
