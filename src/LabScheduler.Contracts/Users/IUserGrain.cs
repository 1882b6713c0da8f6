using LabScheduler.Contracts.Common;

namespace LabScheduler.Contracts.Users;

/// <summary>A user (key: user id): profile, home time zone, roles.</summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>Creates the user; conflict.exists when it exists with another profile.</summary>
    Task<CommandResult<UserProfile>> CreateAsync(UserProfile profile);

    /// <summary>The profile, or null when no such user exists.</summary>
    Task<UserProfile?> GetAsync();
}
