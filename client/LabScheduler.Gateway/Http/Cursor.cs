using System.Buffers.Text;
using System.Text;

namespace LabScheduler.Gateway.Http;

/// <summary>Opaque list cursors (base64url of a position) and the contract's limit rule.</summary>
public static class Cursor
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static string Encode(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    public static string? Decode(string? cursor, Input input)
    {
        if (cursor is null)
        {
            return null;
        }

        try
        {
            return cursor.Length <= 512 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)) : throw new FormatException();
        }
        catch (FormatException)
        {
            input.Fail("cursor", "is not a cursor this API gave out");
            return null;
        }
    }

    public static int Limit(int? limit, Input input)
    {
        if (limit is null)
        {
            return DefaultLimit;
        }

        if (limit is < 1 or > MaxLimit)
        {
            input.Fail("limit", $"must be 1 to {MaxLimit}");
            return DefaultLimit;
        }

        return limit.Value;
    }
}
