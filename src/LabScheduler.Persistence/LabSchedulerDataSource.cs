using Npgsql;

namespace LabScheduler.Persistence;

/// <summary>
/// The application's own data source, with NodaTime types on the wire: <c>timestamptz</c> is
/// <see cref="NodaTime.Instant"/>, <c>date</c> is <see cref="NodaTime.LocalDate"/> and <c>tstzrange</c>
/// is a half-open <see cref="NodaTime.Interval"/>. The plugin is set on this data source only, never on
/// Npgsql's global type mapper: the Orleans and Quartz providers open their own connections and
/// expect Npgsql's defaults there.
/// </summary>
/// <remarks>
/// An array of <see cref="NodaTime.Interval"/> is inferred as a <c>tstzmultirange</c> (whose ranges
/// PostgreSQL merges); bind a <c>tstzrange[]</c> with <c>NpgsqlDbType.Array | NpgsqlDbType.TimestampTzRange</c>.
/// </remarks>
public static class LabSchedulerDataSource
{
    /// <summary>Builds the data source every LabScheduler component and test uses for its own queries.</summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);

        // The booking path runs the same few statements thousands of times a second: prepared once
        // per connection they skip parsing and planning. A connection string's own setting wins.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 3;
        }

        builder.UseNodaTime();
        return builder.Build();
    }
}
