using System.Buffers;
using System.Text;
using LabScheduler.Cli.CommandLine;

namespace LabScheduler.Cli.Import;

/// <summary>
/// Turns an import file's bytes into text, strictly: UTF-8 by default (a byte that is not UTF-8 is an
/// error naming its line, never a replacement character), or GB18030 or Windows-1251 for spreadsheets
/// saved by Chinese or Russian Excel. A UTF-8 byte-order mark is dropped.
/// </summary>
internal static class TextDecoding
{
    public static readonly IReadOnlyList<string> Names = ["utf-8", "gb18030", "windows-1251"];

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    static TextDecoding()
    {
        // GB18030 and Windows-1251 come with .NET, behind the code-pages provider.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    public static string Decode(byte[] bytes, string encodingName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (encodingName.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return DecodeUtf8(bytes);
        }

        var encoding = Encoding.GetEncoding(encodingName, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        try
        {
            return encoding.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var at = FirstInvalid(bytes, encoding) ?? 0;
            throw new UsageException(
                $"line {LineAt(bytes, at)}: the bytes {Hex(e.BytesUnknown)} are not {encodingName} (byte {at + 1} of the file)");
        }
    }

    private static string DecodeUtf8(byte[] bytes)
    {
        ReadOnlySpan<byte> text = bytes.AsSpan().StartsWith(Bom) ? bytes.AsSpan(Bom.Length) : bytes;
        var offset = bytes.Length - text.Length;
        var position = 0;
        while (position < text.Length)
        {
            var status = Rune.DecodeFromUtf8(text[position..], out _, out var consumed);
            if (status != OperationStatus.Done)
            {
                var at = offset + position;
                throw new UsageException(
                    $"line {LineAt(bytes, at)}: byte 0x{bytes[at]:X2} (byte {at + 1} of the file) is not UTF-8; "
                    + "for a file saved by Excel in Russian or Chinese give --encoding windows-1251 or --encoding gb18030");
            }

            position += consumed;
        }

        return Encoding.UTF8.GetString(text);
    }

    // The decoder's exception does not say where in a long input it failed: find it by decoding the
    // file a line at a time (no multi-byte character of these encodings contains a 0x0A byte).
    private static int? FirstInvalid(byte[] bytes, Encoding encoding)
    {
        var start = 0;
        while (start < bytes.Length)
        {
            var newline = Array.IndexOf(bytes, (byte)'\n', start);
            var end = newline < 0 ? bytes.Length : newline + 1;
            try
            {
                encoding.GetCharCount(bytes, start, end - start);
            }
            catch (DecoderFallbackException e)
            {
                return start + Math.Max(0, e.Index);
            }

            start = end;
        }

        return null;
    }

    private static int LineAt(byte[] bytes, int index) => bytes.AsSpan(0, Math.Min(index, bytes.Length)).Count((byte)'\n') + 1;

    private static string Hex(byte[]? bytes) => bytes is null ? "?" : string.Join(' ', bytes.Select(b => $"0x{b:X2}"));
}
