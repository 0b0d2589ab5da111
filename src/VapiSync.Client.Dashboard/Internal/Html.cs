using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>Markup the dashboard wrote itself: appended as is. Everything else is HTML-encoded.</summary>
internal readonly record struct RawHtml(string Value);

/// <summary>
/// Builds a page. Every interpolated value is HTML-encoded unless it is <see cref="RawHtml"/>, so values from Vapi,
/// the state store or the query string can never inject markup: safe is the default, raw is the exception.
/// </summary>
internal sealed class HtmlBuilder
{
    public StringBuilder Buffer { get; } = new(8 * 1024);

    public HtmlBuilder Add([InterpolatedStringHandlerArgument("")] ref HtmlHandler html)
    {
        _ = html;
        return this;
    }

    public RawHtml ToRaw() => new(Buffer.ToString());

    public override string ToString() => Buffer.ToString();

    public static string Encode(string? value) => value is null ? string.Empty : HtmlEncoder.Default.Encode(value);
}

/// <summary>The interpolated-string handler behind <see cref="HtmlBuilder.Add"/>: literals raw, holes encoded.</summary>
[InterpolatedStringHandler]
internal readonly ref struct HtmlHandler
{
    private readonly StringBuilder _buffer;

    public HtmlHandler(int literalLength, int formattedCount, HtmlBuilder builder)
    {
        _ = literalLength;
        _ = formattedCount;
        _buffer = builder.Buffer;
    }

    public void AppendLiteral(string value) => _buffer.Append(value);

    public void AppendFormatted(RawHtml value) => _buffer.Append(value.Value);

    public void AppendFormatted<T>(T value) => _buffer.Append(HtmlBuilder.Encode(Convert.ToString(value, CultureInfo.InvariantCulture)));

    public void AppendFormatted<T>(T value, string format)
        where T : IFormattable => _buffer.Append(HtmlBuilder.Encode(value.ToString(format, CultureInfo.InvariantCulture)));
}
