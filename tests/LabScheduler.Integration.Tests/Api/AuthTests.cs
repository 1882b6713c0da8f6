using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>
/// Who may do what, endpoint by endpoint: anonymous callers, a researcher of another team, a
/// manager of another lab, and the right person; and which tokens are refused.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture api)
{
    private const string Anonymous = "";

    /// <summary>One row of the matrix: who tries, what, and the status they must get.</summary>
    public sealed record Attempt(string Who, string Method, string Path, object? Body, HttpStatusCode Expected);

    private static string Fresh(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    private async Task<HttpResponseMessage> Send(Attempt attempt)
    {
        using var client = attempt.Who == Anonymous ? api.Anonymous() : await api.As(attempt.Who);
        var request = new HttpRequestMessage(new HttpMethod(attempt.Method), attempt.Path);
        if (attempt.Body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(attempt.Body);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Matrix_EveryEndpoint_AnonymousOutsiderOtherManagerAndTheRightPerson()
    {
        // Fixtures: an instrument of xian-nmr (manager wei) and a booking on it by alice for tnu-catalysis.
        var instrument = await BookingApiTests.NewInstrument(api, rules: new { requiresApproval = true });
        using var alice = await api.As("alice");
        var pending = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-14T09:00", localEnd = "2026-12-14T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");
        var booking = (await (await alice.Post("/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-15T09:00", localEnd = "2026-12-15T10:00" }))
            .Expect(HttpStatusCode.Created)).Str("id");
        var hours = new { weekly = new[] { new { day = "monday", from = "08:00", to = "20:00" } } };
        var rates = new { @internal = 1, partner = 2, external = 3 };

        // priya: researcher of another team (and manager of delhi-nmr, another lab); olga: manager of another lab.
        Attempt[] matrix =
        [
            new(Anonymous, "GET", "/api/v1/labs", null, HttpStatusCode.Unauthorized),
            new(Anonymous, "GET", "/api/v1/me", null, HttpStatusCode.Unauthorized),
            new(Anonymous, "GET", $"/api/v1/instruments/{instrument}/free?from=2026-12-01&to=2026-12-02", null, HttpStatusCode.Unauthorized),
            new(Anonymous, "POST", "/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-16T09:00", localEnd = "2026-12-16T10:00" }, HttpStatusCode.Unauthorized),
            new(Anonymous, "POST", "/api/v1/users", new { id = Fresh("u") }, HttpStatusCode.Unauthorized),

            new("priya", "POST", "/api/v1/users", new { id = Fresh("u"), displayName = "x", email = "x@y.z", timeZone = "UTC", memberState = "CN" }, HttpStatusCode.Forbidden),
            new("olga", "POST", "/api/v1/labs", new { id = Fresh("lab"), name = "x", hostInstitution = "y", memberState = "CN", timeZone = "UTC" }, HttpStatusCode.Forbidden),
            new("admin", "POST", "/api/v1/labs", new { id = Fresh("lab"), name = "x", hostInstitution = "y", memberState = "CN", timeZone = "UTC" }, HttpStatusCode.Created),
            new("olga", "PUT", "/api/v1/labs/xian-nmr/managers/olga", null, HttpStatusCode.Forbidden),
            new("olga", "POST", "/api/v1/labs/xian-nmr/instruments", new { id = Fresh("i"), name = "x", category = "nmr", currency = "CNY", rates }, HttpStatusCode.Forbidden),
            new("wei", "POST", "/api/v1/labs/xian-nmr/instruments", new { id = Fresh("i"), name = "x", category = "nmr", currency = "CNY", rates }, HttpStatusCode.Created),
            new("olga", "PATCH", $"/api/v1/instruments/{instrument}", new { name = "x" }, HttpStatusCode.Forbidden),
            new("priya", "PATCH", $"/api/v1/instruments/{instrument}", new { name = "x" }, HttpStatusCode.Forbidden),
            new("wei", "PATCH", $"/api/v1/instruments/{instrument}", new { name = "Renamed" }, HttpStatusCode.OK),
            new("olga", "PUT", $"/api/v1/instruments/{instrument}/authorized-users/priya", null, HttpStatusCode.Forbidden),
            new("admin", "PUT", $"/api/v1/instruments/{instrument}/authorized-users/priya", null, HttpStatusCode.OK),
            new("olga", "PUT", $"/api/v1/instruments/{instrument}/opening-hours", hours, HttpStatusCode.Forbidden),
            new("priya", "GET", $"/api/v1/instruments/{instrument}/opening-hours", null, HttpStatusCode.OK),
            new("olga", "POST", $"/api/v1/instruments/{instrument}/blackouts", new { start = "2027-01-01T00:00:00Z", end = "2027-01-02T00:00:00Z" }, HttpStatusCode.Forbidden),
            new("wei", "POST", $"/api/v1/instruments/{instrument}/blackouts", new { start = "2027-01-01T00:00:00Z", end = "2027-01-02T00:00:00Z" }, HttpStatusCode.Created),
            new("priya", "POST", "/api/v1/teams", new { id = Fresh("t"), name = "x", institution = "y", memberState = "IN" }, HttpStatusCode.Forbidden),
            new("olga", "PUT", "/api/v1/teams/tnu-catalysis/members/olga", null, HttpStatusCode.Forbidden),
            new("olga", "PUT", $"/api/v1/teams/tnu-catalysis/quotas/{instrument}", new { minutesPerMonth = 60 }, HttpStatusCode.Forbidden),
            new("wei", "PUT", $"/api/v1/teams/tnu-catalysis/quotas/{instrument}", new { minutesPerMonth = 6000 }, HttpStatusCode.OK),
            new("priya", "POST", "/api/v1/bookings", new { instrumentId = instrument, teamId = "tnu-catalysis", localStart = "2026-12-16T09:00", localEnd = "2026-12-16T10:00" }, HttpStatusCode.Forbidden),
            new("priya", "GET", $"/api/v1/bookings/{booking}", null, HttpStatusCode.NotFound),
            new("olga", "GET", $"/api/v1/bookings/{booking}", null, HttpStatusCode.NotFound),
            new("wei", "GET", $"/api/v1/bookings/{booking}", null, HttpStatusCode.OK),
            new("priya", "POST", $"/api/v1/bookings/{pending}/approve", null, HttpStatusCode.NotFound),
            new("alice", "POST", $"/api/v1/bookings/{pending}/approve", null, HttpStatusCode.Forbidden),
            new("alice", "POST", $"/api/v1/bookings/{pending}/reject", new { reason = "x" }, HttpStatusCode.Forbidden),
            new("wei", "POST", $"/api/v1/bookings/{pending}/approve", null, HttpStatusCode.OK),
            new("priya", "POST", $"/api/v1/bookings/{booking}/cancel", new { reason = "x" }, HttpStatusCode.NotFound),
            new("alice", "POST", $"/api/v1/bookings/{booking}/cancel", new { reason = "mine" }, HttpStatusCode.OK),
            new("priya", "GET", "/api/v1/users/alice", null, HttpStatusCode.Forbidden),
            new("admin", "GET", "/api/v1/users/alice", null, HttpStatusCode.OK),
            new("priya", "GET", "/api/v1/labs/xian-nmr", null, HttpStatusCode.OK),
            new("priya", "GET", $"/api/v1/instruments/{instrument}", null, HttpStatusCode.OK),
            new(Anonymous, "GET", "/api/v1/admin/notifications", null, HttpStatusCode.Unauthorized),
            new(Anonymous, "POST", $"/api/v1/admin/notifications/{Guid.NewGuid()}/retry", null, HttpStatusCode.Unauthorized),
            new("priya", "GET", "/api/v1/admin/notifications?state=dead", null, HttpStatusCode.Forbidden),
            new("wei", "GET", "/api/v1/admin/notifications?state=pending", null, HttpStatusCode.Forbidden),
            new("alice", "POST", $"/api/v1/admin/notifications/{Guid.NewGuid()}/retry", null, HttpStatusCode.Forbidden),
            new("wei", "POST", $"/api/v1/admin/notifications/{Guid.NewGuid()}/retry", null, HttpStatusCode.Forbidden),
            new("admin", "GET", "/api/v1/admin/notifications?state=delivered", null, HttpStatusCode.OK),
            new("admin", "POST", $"/api/v1/admin/notifications/{Guid.NewGuid()}/retry", null, HttpStatusCode.NotFound),
        ];

        var failures = new List<string>();
        foreach (var attempt in matrix)
        {
            var response = await Send(attempt);
            if (response.StatusCode != attempt.Expected)
            {
                failures.Add($"{attempt.Who} {attempt.Method} {attempt.Path}: expected {(int)attempt.Expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            else if ((int)attempt.Expected >= 400)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private string Token(string sub, DateTime expires, SecurityKey key, string issuer = "labsched-demo", string audience = "labsched", string algorithm = SecurityAlgorithms.HmacSha256) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", sub)]),
            NotBefore = expires.AddHours(-2),
            IssuedAt = expires.AddHours(-2),
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

    private SymmetricSecurityKey DevKey => new(Convert.FromBase64String(File.ReadAllText(api.DevKeyFile).Trim()));

    private async Task<HttpStatusCode> MeWith(string token)
    {
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.GetAsync("/api/v1/me");
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            await response.Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        }

        return response.StatusCode;
    }

    [Fact]
    public async Task Tokens_OnlyValidSignedCurrentTokensOfKnownUsersAreAccepted()
    {
        await api.As("alice");
        var inAnHour = DateTime.UtcNow.AddHours(1);
        Assert.Equal(HttpStatusCode.OK, await MeWith(Token("alice", inAnHour, DevKey)));

        // Expired, foreign key, wrong issuer or audience, unknown subject.
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Token("alice", DateTime.UtcNow.AddMinutes(-10), DevKey)));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Token("alice", inAnHour, new SymmetricSecurityKey(new byte[64]))));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Token("alice", inAnHour, DevKey, issuer: "someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Token("alice", inAnHour, DevKey, audience: "other-app")));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(Token("ghost", inAnHour, DevKey)));

        // Tampered payload: admin's subject pasted into alice's signed token.
        var good = Token("alice", inAnHour, DevKey).Split('.');
        var forged = Base64UrlEncoder.Encode(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(good[1])).Replace("\"alice\"", "\"admin\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith($"{good[0]}.{forged}.{good[2]}"));

        // Unsigned: alg "none".
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"sub":"admin","iss":"labsched-demo","aud":"labsched","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}}}""");
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith($"{header}.{payload}."));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith("not-a-token"));
    }

    [Fact]
    public async Task DevToken_UnknownUserIs404_MalformedIs400()
    {
        using var client = api.Anonymous();
        await (await client.Post("/api/v1/auth/dev-token", new { userId = "ghost" })).Expect(HttpStatusCode.NotFound, "not-found");
        await (await client.Post("/api/v1/auth/dev-token", new { userId = "../../etc" })).Expect(HttpStatusCode.BadRequest, "validation");
        var token = await (await client.Post("/api/v1/auth/dev-token", new { userId = "olga" })).Expect(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(token.Str("accessToken")));
        Assert.EndsWith("Z", token.Str("expiresAt"), StringComparison.Ordinal);
    }
}
