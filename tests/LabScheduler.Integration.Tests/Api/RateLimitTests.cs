using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>The gateway's rate limits (section RateLimits): per signed-in user, per address, and a smaller budget on the anonymous endpoints.</summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(ApiFixture api)
{
    [Fact]
    public async Task PerUserLimit_Exceeded_Gives429RateLimitedWithRetryAfter_AndAnotherUserIsNotAffected()
    {
        await using var gateway = api.NewGateway(new Dictionary<string, string>
        {
            ["RateLimits:PerUser:PermitLimit"] = "3",
            ["RateLimits:PerUser:Window"] = "00:01:00",
        });
        using var alice = SignedIn(gateway.CreateClient(), await api.As("alice"));
        using var admin = SignedIn(gateway.CreateClient(), await api.As("admin"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/v1/me")).StatusCode);
        }

        using var refused = await alice.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate-limited", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.True(int.TryParse(refused.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds is >= 1 and <= 60, $"Retry-After {seconds}");

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task AnonymousEndpoints_HaveTheirOwnSmallerLimit_ThatSignedInCallsDoNotShare()
    {
        await using var gateway = api.NewGateway(new Dictionary<string, string>
        {
            ["RateLimits:Anonymous:PermitLimit"] = "2",
            ["RateLimits:Anonymous:Window"] = "00:01:00",
        });
        using var anonymous = gateway.CreateClient();
        using var alice = SignedIn(gateway.CreateClient(), await api.As("alice"));

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId = "alice" })).StatusCode);
        }

        using var refused = await anonymous.PostAsJsonAsync("/api/v1/auth/dev-token", new { userId = "alice" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate-limited", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.True(refused.Headers.Contains("Retry-After"));

        // The calendar feed by token shares the anonymous budget of the address...
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/api/v1/me/calendar.ics?token=nothing")).StatusCode);
        // ...but the general limits are untouched: the anonymous config and signed-in calls still answer.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/auth/config")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/v1/me")).StatusCode);
    }

    private static HttpClient SignedIn(HttpClient client, HttpClient signedIn)
    {
        client.DefaultRequestHeaders.Authorization = signedIn.DefaultRequestHeaders.Authorization;
        signedIn.Dispose();
        return client;
    }
}
