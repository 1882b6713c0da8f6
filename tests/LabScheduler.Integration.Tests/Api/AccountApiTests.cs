using System.Net;

namespace LabScheduler.Integration.Tests.Api;

/// <summary>What the web app reads about the signed-in user and how to sign in: /me, /auth/config, /auth/dev-users, /users, /teams.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccountApiTests(ApiFixture api)
{
    private async Task<string> NewUser(string prefix)
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..20];
        using var admin = await api.As("admin");
        await (await admin.Post("/api/v1/users", new { id, displayName = "Temp User", email = $"{id}@test.example", timeZone = "Asia/Almaty", memberState = "KZ" }))
            .Expect(HttpStatusCode.Created);
        return id;
    }

    [Fact]
    public async Task Me_OfAnExistingUser_SaysLanguageEnByDefault()
    {
        using var alice = await api.As("alice");

        var me = await (await alice.GetAsync("/api/v1/me")).Expect(HttpStatusCode.OK);

        Assert.Equal("en", me.Str("language"));
    }

    [Fact]
    public async Task PatchMe_WithNameZoneAndLanguage_ChangesThemAndMeShowsThem()
    {
        var id = await NewUser("patch");
        using var user = await api.As(id);

        var patched = await (await user.Patch("/api/v1/me", new { displayName = "Farida", timeZone = "Asia/Tehran", language = "fa" })).Expect(HttpStatusCode.OK);
        var me = await (await user.GetAsync("/api/v1/me")).Expect(HttpStatusCode.OK);

        Assert.Equal(("Farida", "Asia/Tehran", "fa"), (patched.Str("displayName"), patched.Str("timeZone"), patched.Str("language")));
        Assert.Equal(("Farida", "Asia/Tehran", "fa"), (me.Str("displayName"), me.Str("timeZone"), me.Str("language")));
        Assert.Equal($"{id}@test.example", me.Str("email"));
    }

    [Fact]
    public async Task PatchMe_WithOnlyLanguage_KeepsTheRest()
    {
        var id = await NewUser("lang");
        using var user = await api.As(id);

        var patched = await (await user.Patch("/api/v1/me", new { language = "zh-CN" })).Expect(HttpStatusCode.OK);

        Assert.Equal(("Temp User", "Asia/Almaty", "zh-CN"), (patched.Str("displayName"), patched.Str("timeZone"), patched.Str("language")));
    }

    [Theory]
    [InlineData("de")]
    [InlineData("zh")]
    [InlineData("EN")]
    [InlineData("")]
    public async Task PatchMe_WithAnUnsupportedLanguage_Is400ValidationAndChangesNothing(string language)
    {
        var id = await NewUser("badlang");
        using var user = await api.As(id);

        var problem = await (await user.Patch("/api/v1/me", new { language, displayName = "Changed" })).Expect(HttpStatusCode.BadRequest, "validation");
        var me = await (await user.GetAsync("/api/v1/me")).Expect(HttpStatusCode.OK);

        Assert.True(problem.GetProperty("errors").TryGetProperty("language", out _));
        Assert.Equal(("Temp User", "en"), (me.Str("displayName"), me.Str("language")));
    }

    [Fact]
    public async Task PatchMe_WithAnUnknownZone_Is400UnknownZoneAndChangesNothing()
    {
        var id = await NewUser("badzone");
        using var user = await api.As(id);

        await (await user.Patch("/api/v1/me", new { timeZone = "Mars/Olympus_Mons", language = "ru" })).Expect(HttpStatusCode.BadRequest, "time.unknown-zone");
        var me = await (await user.GetAsync("/api/v1/me")).Expect(HttpStatusCode.OK);

        Assert.Equal(("Asia/Almaty", "en"), (me.Str("timeZone"), me.Str("language")));
    }

    [Fact]
    public async Task PatchMe_WithABlankName_Is400Validation()
    {
        using var alice = await api.As("alice");

        await (await alice.Patch("/api/v1/me", new { displayName = "  " })).Expect(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task PatchMe_Anonymous_Is401()
    {
        using var anonymous = api.Anonymous();

        await (await anonymous.Patch("/api/v1/me", new { language = "ru" })).Expect(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    [Fact]
    public async Task AuthConfig_InDemoMode_SaysDemoAnonymously()
    {
        using var anonymous = api.Anonymous();

        var config = await (await anonymous.GetAsync("/api/v1/auth/config")).Expect(HttpStatusCode.OK);

        Assert.Equal("demo", config.Str("mode"));
    }

    [Fact]
    public async Task DevUsers_InDemoMode_ListsTheSeededUsersWithRolesTeamsAndLabs()
    {
        using var anonymous = api.Anonymous();

        var body = await (await anonymous.GetAsync("/api/v1/auth/dev-users")).Expect(HttpStatusCode.OK);
        var users = body.GetProperty("items").EnumerateArray().ToDictionary(u => u.Str("id"));

        Assert.Contains("admin", users["admin"].GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Alisher Karimov", users["alice"].Str("displayName"));
        Assert.Equal(["kaznu-nano", "tnu-catalysis"], users["alice"].GetProperty("teams").EnumerateArray().Select(t => t.GetString()).Order());
        Assert.Contains("dushanbe-materials", users["alice"].GetProperty("managedLabs").EnumerateArray().Select(t => t.GetString()));
        Assert.Empty(users["alice"].GetProperty("roles").EnumerateArray());
        Assert.False(users["alice"].TryGetProperty("email", out _), "the anonymous picker shows no e-mail addresses");
    }

    [Fact]
    public async Task AuthEndpoints_InOidcMode_GiveTheProviderAndNoDevUsers()
    {
        await using var gateway = api.NewGateway(new Dictionary<string, string>
        {
            ["Auth:Mode"] = "oidc",
            ["Auth:Authority"] = "http://127.0.0.1:9/realms/sco",
            ["Auth:Audience"] = "labsched-api",
            ["Auth:ClientId"] = "labsched-web",
            ["Auth:RequireHttpsMetadata"] = "false",
        });
        using var anonymous = gateway.CreateClient();

        var config = await (await anonymous.GetAsync("/api/v1/auth/config")).Expect(HttpStatusCode.OK);
        await (await anonymous.GetAsync("/api/v1/auth/dev-users")).Expect(HttpStatusCode.NotFound, "not-found");

        Assert.Equal("oidc", config.Str("mode"));
        Assert.Equal("http://127.0.0.1:9/realms/sco", config.Str("authority"));
        Assert.Equal("labsched-web", config.Str("clientId"));
        Assert.Equal("labsched-api", config.Str("audience"));
        Assert.Equal("openid profile", config.Str("scope"));
    }

    [Fact]
    public async Task Users_ForAnAdmin_ArePagedAndSearchable()
    {
        using var admin = await api.As("admin");

        var first = await (await admin.GetAsync("/api/v1/users?limit=3")).Expect(HttpStatusCode.OK);
        var second = await (await admin.GetAsync($"/api/v1/users?limit=3&cursor={first.Str("next")}")).Expect(HttpStatusCode.OK);
        var found = await (await admin.GetAsync("/api/v1/users?q=SOKOLOVA")).Expect(HttpStatusCode.OK);

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(u => u.Str("id")).ToList();
        Assert.Equal(6, ids.Distinct().Count());
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(["olga"], found.GetProperty("items").EnumerateArray().Select(u => u.Str("id")));
        Assert.Equal("nsu-biophysics", Assert.Single(found.GetProperty("items")[0].GetProperty("teams").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Users_ForANonAdmin_Is403()
    {
        using var alice = await api.As("alice");

        await (await alice.GetAsync("/api/v1/users")).Expect(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task Teams_ForAMember_AreTheirOwnOnly_ForAnAdminAll()
    {
        using var alice = await api.As("alice");
        using var admin = await api.As("admin");

        var mine = await (await alice.GetAsync("/api/v1/teams")).Expect(HttpStatusCode.OK);
        var all = await (await admin.GetAsync("/api/v1/teams?limit=1000")).Expect(HttpStatusCode.OK);
        var paged = await (await admin.GetAsync("/api/v1/teams?limit=2")).Expect(HttpStatusCode.OK);

        Assert.Equal(["kaznu-nano", "tnu-catalysis"], mine.GetProperty("items").EnumerateArray().Select(t => t.Str("id")));
        Assert.Superset(new HashSet<string> { "tnu-catalysis", "xjtu-structural", "iisc-proteomics", "nsu-biophysics", "kaznu-nano" },
            all.GetProperty("items").EnumerateArray().Select(t => t.Str("id")).ToHashSet());
        Assert.Equal(2, paged.GetProperty("items").GetArrayLength());
        Assert.NotNull(paged.GetProperty("next").GetString());
    }

    [Fact]
    public async Task Lists_WithABadLimitOrCursor_Are400Validation()
    {
        using var admin = await api.As("admin");

        await (await admin.GetAsync("/api/v1/users?limit=0")).Expect(HttpStatusCode.BadRequest, "validation");
        await (await admin.GetAsync("/api/v1/teams?cursor=%%%")).Expect(HttpStatusCode.BadRequest, "validation");
    }
}
