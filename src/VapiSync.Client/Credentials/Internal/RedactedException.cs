namespace VapiSync.Client.Credentials.Internal;

/// <summary>
/// Stands in for an exception whose text (message, inner exceptions, stack) quotes a secret, when it is handed to a
/// logger: loggers print <see cref="Exception.ToString"/>, which cannot be scrubbed after the fact.
/// </summary>
internal sealed class RedactedException : Exception
{
    private readonly string _text;

    private RedactedException(Exception original, string text)
        : base(SecretRedactor.Redact(original.Message))
    {
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        _text = text;
        HResult = original.HResult;
    }

    /// <summary>Gets the type of the exception this one stands in for.</summary>
    public string OriginalType { get; }

    /// <summary>Returns the exception itself when its text is clean, otherwise a stand-in with the scrubbed text.</summary>
    public static Exception Of(Exception exception)
    {
        var text = exception.ToString();
        var redacted = SecretRedactor.Redact(text);
        return string.Equals(text, redacted, StringComparison.Ordinal) ? exception : new RedactedException(exception, redacted);
    }

    /// <summary>The original's full text (type, message, inner exceptions, stack), scrubbed.</summary>
    public override string ToString() => _text;
}
