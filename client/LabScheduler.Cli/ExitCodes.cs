namespace LabScheduler.Cli;

/// <summary>The process exit codes of labsched; scripts rely on them, so they never change meaning.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int Validation = 3;
    public const int Auth = 4;
    public const int NotFound = 5;
    public const int Conflict = 6;
    public const int Refused = 7;
    public const int ServerOrNetwork = 8;

    /// <summary>The exit code of an API answer with this HTTP status.</summary>
    public static int ForStatus(int status) => status switch
    {
        < 400 => Ok,
        400 => Validation,
        401 or 403 => Auth,
        404 => NotFound,
        409 => Conflict,
        422 => Refused,
        // Timeouts and rate limits pass with time, like an outage.
        408 or 429 or >= 500 => ServerOrNetwork,
        _ => Validation,
    };
}
