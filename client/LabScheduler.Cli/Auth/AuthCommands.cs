using System.Text.Json;
using System.Text.Json.Nodes;
using LabScheduler.Cli.CommandLine;
using LabScheduler.Cli.Config;
using LabScheduler.Cli.Http;
using LabScheduler.Cli.Output;

namespace LabScheduler.Cli.Auth;

/// <summary>login, logout, whoami: the bearer token kept in the credentials file.</summary>
internal static class AuthCommands
{
    public static IEnumerable<CommandDef> Definitions =>
    [
        new CommandDef("login", "sign in: a demo token for <userId>, an access token (--token - reads it from stdin), or the device flow", LoginAsync)
            .Arg("userId", "demo mode: the user to get a token for", required: false)
            .Value("--token", "JWT|-", "an access token you have; '-' reads it from standard input (never put a token on the command line, where ps shows it)")
            .Help("""
                login <userId>       demo mode only: POST /api/v1/auth/dev-token for an existing user
                login --token -      any mode: an access token from the institution's OpenID Connect
                                     provider, read from standard input; checked with GET /api/v1/me
                                     before it is kept
                login                oidc mode: the OAuth device flow (RFC 8628) with the provider the
                                     gateway names in GET /api/v1/auth/config; open the address shown,
                                     enter the code, sign in there
                The token and the API URL are kept in $LABSCHED_CONFIG or ~/.labsched/credentials.json
                (mode 600). The token is sent only to the API it was issued for.
                """),
        new CommandDef("logout", "forget the stored token", LogoutAsync).Help("Deletes the credentials file."),
        new CommandDef("whoami", "the signed-in user (GET /me)", WhoAmIAsync).Help("Shows the user, their teams and the labs they manage."),
    ];

    private static async Task<int> LoginAsync(CliContext c, ParsedCommand command)
    {
        var token = command.Value("--token");
        var userId = command.Positionals.Count > 0 ? command.Positional(0) : null;
        if (token is not null && userId is not null)
        {
            throw new UsageException("give either <userId> (demo mode) or --token - (a token on stdin), not both");
        }

        if (token == "-")
        {
            // The first line of standard input: `pass show labsched | labsched login --token -`.
            token = (await c.In.ReadLineAsync())?.Trim() ?? "";
            if (token.Length == 0)
            {
                throw new UsageException("--token -: standard input is empty; pipe the access token in");
            }
        }
        else if (token is { Length: > 0 })
        {
            c.Err.WriteLine("warning: a token on the command line is visible to other users of this machine (ps, shell history); prefer 'labsched login --token -' with the token on stdin");
        }

        if (token is { Length: 0 })
        {
            throw new UsageException("--token is empty");
        }

        if (token is null && userId is null)
        {
            return await DeviceLoginAsync(c);
        }

        ApiResponse response;
        Credentials credentials;
        if (userId is not null)
        {
            response = await c.Api.SendAsync(HttpMethod.Post, "auth/dev-token", new JsonObject { ["userId"] = userId }, null, anonymous: true);
            if (!response.IsSuccess)
            {
                var exit = c.Fail(response);
                if (response.Status == 404)
                {
                    c.Err.WriteLine("hint: demo tokens exist only when the gateway runs in demo mode, and only for existing users; otherwise use 'labsched login --token <jwt>'");
                }

                return exit;
            }

            var accessToken = JsonText.Field(response.Json, "accessToken");
            if (accessToken.Length == 0)
            {
                throw new JsonException("the dev-token answer has no accessToken");
            }

            credentials = new Credentials(c.Api.BaseUri.ToString(), accessToken, userId, NullIfEmpty(JsonText.Field(response.Json, "expiresAt")));
        }
        else
        {
            response = await c.Api.SendAsync(HttpMethod.Get, "me", null, null, bearer: token);
            if (!response.IsSuccess)
            {
                c.Err.WriteLine("error: the token was not accepted; nothing was stored");
                return c.Fail(response);
            }

            credentials = new Credentials(c.Api.BaseUri.ToString(), token!, NullIfEmpty(JsonText.Field(response.Json, "id")), null);
        }

        c.Store.Save(credentials);
        return c.Show(response, _ =>
        {
            var until = credentials.ExpiresAt is { } expires ? $" (token valid until {expires})" : "";
            c.Out.WriteLine($"Signed in to {c.ApiText} as {credentials.UserId}{until}.");
            c.Out.WriteLine($"Credentials saved in {c.Store.Path}.");
        });
    }

    /// <summary>No user and no token: the gateway says how to sign in; in oidc mode that is the device flow.</summary>
    private static async Task<int> DeviceLoginAsync(CliContext c)
    {
        var config = await c.Api.SendAsync(HttpMethod.Get, "auth/config", null, null, anonymous: true);
        if (!config.IsSuccess)
        {
            return c.Fail(config);
        }

        if (JsonText.Field(config.Json, "mode") != "oidc")
        {
            throw new UsageException($"{c.ApiText} runs in demo mode: give the user to sign in as ('labsched login alice')");
        }

        var (token, exit) = await new DeviceFlow(c).SignInAsync(config.Json, CancellationToken.None);
        if (token is null)
        {
            return exit;
        }

        var me = await c.Api.SendAsync(HttpMethod.Get, "me", null, null, bearer: token);
        if (!me.IsSuccess)
        {
            c.Err.WriteLine("error: the provider's token was not accepted by the gateway; nothing was stored");
            return c.Fail(me);
        }

        var credentials = new Credentials(c.Api.BaseUri.ToString(), token, NullIfEmpty(JsonText.Field(me.Json, "id")), null);
        c.Store.Save(credentials);
        return c.Show(me, _ =>
        {
            c.Out.WriteLine($"Signed in to {c.ApiText} as {credentials.UserId}.");
            c.Out.WriteLine($"Credentials saved in {c.Store.Path}.");
        });
    }

    private static Task<int> LogoutAsync(CliContext c, ParsedCommand command)
    {
        var removed = c.Store.Delete();
        if (!c.Json)
        {
            c.Out.WriteLine(removed ? $"Signed out (removed {c.Store.Path})." : "Not signed in.");
        }

        return Task.FromResult(ExitCodes.Ok);
    }

    private static async Task<int> WhoAmIAsync(CliContext c, ParsedCommand command)
    {
        var response = await c.Api.GetAsync("me");
        return response.IsSuccess ? c.Show(response, me => new Details()
            .Add("user", JsonText.Field(me, "id"))
            .Add("name", JsonText.Field(me, "displayName"))
            .Add("email", JsonText.Field(me, "email"))
            .Add("time zone", JsonText.Field(me, "timeZone"))
            .Add("member state", JsonText.Field(me, "memberState"))
            .Add("roles", JsonText.Field(me, "roles"))
            .Add("teams", JsonText.Field(me, "teams"))
            .Add("manages labs", JsonText.Field(me, "managedLabs"))
            .Add("api", c.ApiText)
            .WriteTo(c.Out)) : c.Fail(response);
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
