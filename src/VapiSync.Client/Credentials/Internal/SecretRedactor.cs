using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>
/// Scrubs secrets from every string the library emits: log messages, exception messages (including text Vapi or a
/// proxy sent back), activity tags. It knows every key that became a <see cref="VapiCredential"/> or sits in the
/// options, process-wide, and also removes what looks like a credential whatever its value (<c>Bearer …</c>,
/// <c>api_key=…</c>): a proxy echoing request headers, or a key store quoting a key nobody registered.
/// </summary>
internal static partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    /// <summary>Shorter values are not secrets worth the false positives (an empty key, "test").</summary>
    private const int MinSecretLength = 8;

    /// <summary>Keys are few; a host that churns through more starts over rather than growing without bound.</summary>
    private const int MaxSecrets = 4096;

    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);

    /// <summary>Remembers a secret, so it is scrubbed from everything emitted from now on.</summary>
    public static void Register(string? secret)
    {
        var value = secret?.Trim();
        if (value is null || value.Length < MinSecretLength || Secrets.ContainsKey(value))
        {
            return;
        }

        if (Secrets.Count >= MaxSecrets)
        {
            Secrets.Clear();
        }

        Secrets.TryAdd(value, 0);
    }

    /// <summary>Returns <paramref name="text"/> with every known secret and every credential-looking value replaced by <see cref="Mask"/>.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        string result;
        try
        {
            result = CredentialPattern().Replace(text, m => m.Groups["name"].Value + m.Groups["sep"].Value + Mask);
        }
        catch (RegexMatchTimeoutException)
        {
            // Text built to defeat the pattern is not worth keeping.
            return Mask;
        }

        foreach (var secret in Secrets.Keys)
        {
            if (result.Contains(secret, StringComparison.Ordinal))
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return result;
    }

    /// <summary>Redacts each message; the list itself is copied only when something changed.</summary>
    public static IReadOnlyList<string> Redact(IReadOnlyList<string> texts)
    {
        string[]? copy = null;
        for (var i = 0; i < texts.Count; i++)
        {
            var redacted = Redact(texts[i]);
            if (!ReferenceEquals(redacted, texts[i]) && redacted != texts[i])
            {
                copy ??= [.. texts];
                copy[i] = redacted;
            }
        }

        return copy ?? texts;
    }

    // "name: value" / "name=value" for credential-ish names (an optional auth scheme is part of the value), and a
    // bare "Bearer <token>". A value already masked is left alone.
    [GeneratedRegex(
        """(?<name>\b(?:api[-_ ]?key|x-api-key|access[-_ ]?token|token|secret|password|authorization)\b)(?<sep>["']?\s*[:=]\s*["']?\s*)(?:(?:bearer|basic)\s+)?[^\s"',;{}()\[\]]{4,}|(?<name>\b(?:bearer|basic))(?<sep>\s+)[^\s"',;{}()\[\]]{4,}""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex CredentialPattern();
}
