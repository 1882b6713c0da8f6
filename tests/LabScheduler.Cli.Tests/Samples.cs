namespace LabScheduler.Cli.Tests;

/// <summary>Response bodies shaped as the HTTP API describes them.</summary>
public static class Samples
{
    public const string Lab1 = """{"id":"lab-shanghai","name":"Shanghai Synchrotron Lab","hostInstitution":"SARI","memberState":"CN","timeZone":"Asia/Shanghai","partnerStates":["TJ","KZ"],"managers":["wang"],"instruments":["nmr-600"]}""";

    public const string Lab2 = """{"id":"lab-almaty","name":"Almaty Materials Lab","hostInstitution":"KazNU","memberState":"KZ","timeZone":"Asia/Almaty","partnerStates":[],"managers":[],"instruments":[]}""";

    public const string Instrument = """
        {"id":"nmr-600","labId":"lab-shanghai","name":"NMR 600 MHz","category":"nmr","currency":"CNY",
         "rates":{"internal":100,"partner":150,"external":300},
         "rules":{"slotMinutes":30,"minMinutes":30,"maxMinutes":240,"bufferMinutes":15,"leadMinutes":0,"horizonDays":90,
                  "requiresApproval":false,"requiresAuthorization":true,"capacity":1,"noShowMinutes":15},
         "status":"active","timeZone":"Asia/Shanghai","memberState":"CN","authorizedUsers":["alice"]}
        """;

    public const string Booking = """
        {"id":"3f2b8c1e-8a4d-4a51-9d55-0c1f6f1e2a77","instrumentId":"nmr-600","labId":"lab-shanghai","teamId":"team-tj","userId":"alice",
         "status":"confirmed","start":"2026-12-01T01:00:00Z","end":"2026-12-01T03:00:00Z",
         "lab":{"timeZone":"Asia/Shanghai","start":"2026-12-01T09:00:00+08:00","end":"2026-12-01T11:00:00+08:00"},
         "requester":{"timeZone":"Asia/Dushanbe","start":"2026-12-01T06:00:00+05:00","end":"2026-12-01T08:00:00+05:00"},
         "purpose":"protein sample","createdAt":"2026-11-20T08:00:00Z"}
        """;

    public const string Me = """{"id":"alice","displayName":"Alice Karimova","email":"alice@example.org","timeZone":"Asia/Dushanbe","memberState":"TJ","roles":[],"teams":["team-tj"],"managedLabs":[]}""";

    public static string Page(string? next, params string[] items) =>
        $$"""{"items":[{{string.Join(",", items)}}],"next":{{(next is null ? "null" : $"\"{next}\"")}}}""";
}
