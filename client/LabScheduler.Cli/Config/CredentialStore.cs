using System.Text.Json;

namespace LabScheduler.Cli.Config;

/// <summary>
/// The credentials file: <c>$LABSCHED_CONFIG</c>, else <c>~/.labsched/credentials.json</c>. It holds a
/// bearer token, so it is written with mode 600 (directory 700) and replaced atomically.
/// </summary>
internal sealed class CredentialStore(string path)
{
    public const string ConfigVariable = "LABSCHED_CONFIG";

    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Path { get; } = path;

    public static CredentialStore For(IDictionary<string, string?> environment)
    {
        if (environment.TryGetValue(ConfigVariable, out var configured) && !string.IsNullOrWhiteSpace(configured))
        {
            return new CredentialStore(configured);
        }

        var home = environment.TryGetValue("HOME", out var h) && !string.IsNullOrWhiteSpace(h)
            ? h
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new CredentialStore(System.IO.Path.Combine(home, ".labsched", "credentials.json"));
    }

    /// <summary>The stored login, or null when there is none or the file cannot be read as one.</summary>
    public Credentials? Load()
    {
        try
        {
            var stored = JsonSerializer.Deserialize<Credentials>(File.ReadAllText(Path), Options);
            return stored is { ApiUrl.Length: > 0, AccessToken.Length: > 0 } ? stored : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public void Save(Credentials credentials)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, PrivateDirectory);
        }

        // Written beside the target and moved over it, so a reader never sees half a file and the
        // token never sits in a file with wider permissions, not even for a moment.
        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, credentials, Options);
            }

            File.Move(temporary, Path, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, PrivateFile);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Removes the stored login; false when there was none.</summary>
    public bool Delete()
    {
        if (!File.Exists(Path))
        {
            return false;
        }

        File.Delete(Path);
        return true;
    }
}
