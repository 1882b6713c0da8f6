using Npgsql;

namespace LabScheduler.Persistence.Directory;

/// <summary>The user and team directory tables: written by the user and team grains, read by lists.</summary>
public sealed class DirectoryStore(NpgsqlDataSource dataSource)
{
    public async Task UpsertUserAsync(string id, string displayName, string email, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO user_directory (id, display_name, email) VALUES (@id, @name, @email)
            ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, email = excluded.email
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", displayName);
        command.Parameters.AddWithValue("email", email);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpsertTeamAsync(string id, string name, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO team_directory (id, name) VALUES (@id, @name)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>User ids in order after <paramref name="afterId"/>; <paramref name="query"/> matches id, name or e-mail, any case.</summary>
    public async Task<IReadOnlyList<string>> UserIdsAsync(string? query, string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id FROM user_directory
            WHERE (@after::text IS NULL OR id COLLATE "C" > @after)
              AND (@q::text IS NULL OR strpos(lower(id || ' ' || display_name || ' ' || email), lower(@q)) > 0)
            ORDER BY id COLLATE "C" LIMIT @limit
            """);
        command.Parameters.AddWithValue("after", (object?)afterId ?? DBNull.Value);
        command.Parameters.AddWithValue("q", (object?)query ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ReadStringsAsync(cancellationToken);
    }

    /// <summary>Team ids in order after <paramref name="afterId"/>.</summary>
    public async Task<IReadOnlyList<string>> TeamIdsAsync(string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id FROM team_directory WHERE (@after::text IS NULL OR id COLLATE "C" > @after) ORDER BY id COLLATE "C" LIMIT @limit
            """);
        command.Parameters.AddWithValue("after", (object?)afterId ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ReadStringsAsync(cancellationToken);
    }
}
