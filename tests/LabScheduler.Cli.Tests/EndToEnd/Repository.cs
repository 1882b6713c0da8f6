namespace LabScheduler.Cli.Tests.EndToEnd;

/// <summary>The repository's root folder, found from the test binaries.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LabScheduler.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("LabScheduler.sln not found above the test binaries.");
        }
    }
}
