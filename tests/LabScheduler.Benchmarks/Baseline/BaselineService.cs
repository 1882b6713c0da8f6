using LabScheduler.Benchmarks.Load;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using NpgsqlTypes;

namespace LabScheduler.Benchmarks.Baseline;

/// <summary>
/// What a team would otherwise build: a stateless ASP.NET Core service over PostgreSQL. The same
/// POST /api/v1/bookings and GET /api/v1/instruments/{id}/free, the same bearer tokens (HS256, the demo
/// key of the system under test), one transaction per booking, the overlap left to an exclusion
/// constraint, free time as the week minus the booked ranges in SQL. It checks less than LabScheduler
/// (no opening hours, grid, lead time, quotas, notifications or audit): a generous baseline.
/// </summary>
public static class BaselineService
{
    public const string Schema = """
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        CREATE TABLE IF NOT EXISTS instruments (id text PRIMARY KEY, lab_id text NOT NULL, status text NOT NULL DEFAULT 'active');
        CREATE TABLE IF NOT EXISTS memberships (user_id text NOT NULL, team_id text NOT NULL, PRIMARY KEY (user_id, team_id));
        CREATE TABLE IF NOT EXISTS bookings (
            id uuid PRIMARY KEY, instrument_id text NOT NULL REFERENCES instruments (id), team_id text NOT NULL, user_id text NOT NULL,
            status text NOT NULL, during tstzrange NOT NULL, purpose text NOT NULL DEFAULT '', created_at timestamptz NOT NULL,
            EXCLUDE USING gist (instrument_id WITH =, during WITH &&) WHERE (status IN ('pending', 'confirmed', 'checked-in')));
        CREATE INDEX IF NOT EXISTS bookings_instrument_upper ON bookings (instrument_id, upper(during));
        """;

    public static async Task RunAsync(string connectionString, int port, string keyFile)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSingleton(NpgsqlDataSource.Create(connectionString));
        var key = new SymmetricSecurityKey(Convert.FromBase64String((await File.ReadAllTextAsync(keyFile)).Trim()));
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = "labsched-demo", ValidAudience = "labsched", IssuerSigningKey = key, ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            };
        });
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/health/ready", () => Results.Ok());
        app.MapPost("/api/v1/bookings", BookAsync).RequireAuthorization();
        app.MapGet("/api/v1/instruments/{id}/free", FreeAsync).RequireAuthorization();
        await app.RunAsync();
    }

    private sealed record BookingRequest(string? InstrumentId, string? TeamId, DateTimeOffset? Start, DateTimeOffset? End, string? Purpose);

    private static async Task<IResult> BookAsync(BookingRequest body, HttpContext http, NpgsqlDataSource db)
    {
        var userId = http.User.FindFirst("sub")?.Value;
        if (body.InstrumentId is null || body.TeamId is null || body.Start is not { } start || body.End is not { } end || end <= start)
        {
            return Results.Problem(statusCode: 400, title: "validation");
        }

        var id = Guid.CreateVersion7();
        var now = DateTime.UtcNow;
        await using var command = db.CreateCommand("""
            INSERT INTO bookings (id, instrument_id, team_id, user_id, status, during, purpose, created_at)
            SELECT @id, i.id, m.team_id, m.user_id, 'confirmed', tstzrange(@start, @end, '[)'), @purpose, @now
            FROM instruments i JOIN memberships m ON m.user_id = @user AND m.team_id = @team
            WHERE i.id = @instrument AND i.status = 'active'
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("instrument", body.InstrumentId);
        command.Parameters.AddWithValue("team", body.TeamId);
        command.Parameters.AddWithValue("user", userId ?? "");
        command.Parameters.AddWithValue("start", NpgsqlDbType.TimestampTz, start.UtcDateTime);
        command.Parameters.AddWithValue("end", NpgsqlDbType.TimestampTz, end.UtcDateTime);
        command.Parameters.AddWithValue("purpose", body.Purpose ?? "");
        command.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now);
        try
        {
            return await command.ExecuteNonQueryAsync() == 1
                ? Results.Created($"/api/v1/bookings/{id}", new { id, instrumentId = body.InstrumentId, teamId = body.TeamId, userId, status = "confirmed", start, end, createdAt = now })
                : Results.Problem(statusCode: 403, title: "auth.not-team-member");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return Results.Problem(statusCode: 409, title: "booking.conflict");
        }
    }

    private static async Task<IResult> FreeAsync(string id, DateTimeOffset from, DateTimeOffset to, NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand("""
            SELECT lower(r), upper(r) FROM unnest(
                tstzmultirange(tstzrange(@from, @to, '[)')) -
                coalesce((SELECT range_agg(during) FROM bookings
                          WHERE instrument_id = @id AND status IN ('pending', 'confirmed', 'checked-in')
                            AND during && tstzrange(@from, @to, '[)')), '{}'::tstzmultirange)) AS r
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, from.UtcDateTime);
        command.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, to.UtcDateTime);
        var items = new List<object>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            items.Add(new { start = reader.GetDateTime(0), end = reader.GetDateTime(1) });
        }

        return Results.Ok(new { instrumentId = id, items });
    }

    /// <summary>Gives the baseline the same instruments and memberships as the world of the system under test.</summary>
    public static async Task SeedAsync(string connectionString, World world)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using (var schema = db.CreateCommand(Schema))
        {
            await schema.ExecuteNonQueryAsync();
        }

        await using var instruments = db.CreateCommand("INSERT INTO instruments (id, lab_id) SELECT * FROM unnest(@ids, @labs) ON CONFLICT DO NOTHING");
        instruments.Parameters.AddWithValue("ids", world.Instruments.Select(i => i.Id).ToArray());
        instruments.Parameters.AddWithValue("labs", world.Instruments.Select(i => i.LabId).ToArray());
        await instruments.ExecuteNonQueryAsync();
        await using var members = db.CreateCommand("INSERT INTO memberships (user_id, team_id) SELECT * FROM unnest(@users, @teams) ON CONFLICT DO NOTHING");
        members.Parameters.AddWithValue("users", world.Researchers.Select(r => r.Id).ToArray());
        members.Parameters.AddWithValue("teams", world.Researchers.Select(r => r.TeamId).ToArray());
        await members.ExecuteNonQueryAsync();
    }
}
