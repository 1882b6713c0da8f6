namespace LabScheduler.Cli.Config;

/// <summary>What <c>labsched login</c> keeps: the gateway it signed in to, the token, and whose it is.</summary>
internal sealed record Credentials(string ApiUrl, string AccessToken, string? UserId, string? ExpiresAt);
