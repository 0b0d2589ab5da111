namespace VapiSync.Client.Http;

/// <summary>One problem with the input, named by its field (for example <c>Assistant.Name</c>).</summary>
/// <param name="Field">The path of the field, from the request (for example <c>Assistant.Voice.VoiceId</c>).</param>
/// <param name="Message">What is wrong and how to fix it; quotes of the input are truncated, never unbounded.</param>
public sealed record VapiValidationError(string Field, string Message)
{
    /// <summary>The longest a quoted input value may be in a message.</summary>
    internal const int MaxQuoteLength = 64;

    /// <summary>The longest a message may be: a safety net for messages that quote input.</summary>
    internal const int MaxMessageLength = 300;

    /// <summary>Returns <c>Field: Message</c> (only the message when no field is named).</summary>
    /// <returns>The field and the message.</returns>
    public override string ToString() => string.IsNullOrEmpty(Field) ? Message : $"{Field}: {Message}";

    /// <summary>Quotes an input value for a message, truncated to <see cref="MaxQuoteLength"/> characters.</summary>
    internal static string Quote(string? value) => value is null ? "null"
        : "'" + (value.Length > MaxQuoteLength ? value[..MaxQuoteLength] + "…" : value) + "'";

    internal static string Bound(string? text) => text is null ? string.Empty
        : text.Length > MaxMessageLength ? text[..MaxMessageLength] + "…" : text;
}
