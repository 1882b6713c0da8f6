using NodaTime;
using Npgsql;

namespace LabScheduler.Persistence;

/// <summary>Reading NodaTime values from PostgreSQL columns (timestamptz arrives as a UTC DateTime).</summary>
internal static class DataReaderExtensions
{
    public static Instant GetInstant(this NpgsqlDataReader reader, int ordinal) =>
        Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
}
