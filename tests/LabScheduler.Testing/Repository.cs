namespace LabScheduler.Testing;

/// <summary>The repository the tests run from.</summary>
public static class Repository
{
    /// <summary>The repository's root: the folder above the test binaries that holds LabScheduler.sln.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LabScheduler.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LabScheduler.sln not found above the test folder.");
    }
}
