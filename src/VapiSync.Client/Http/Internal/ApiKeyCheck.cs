using VapiSync.Client.Credentials;

namespace VapiSync.Client.Http.Internal;

/// <summary>
/// A key that cannot travel in an HTTP header (a line break, a control character, a non-ASCII character) fails as a
/// typed, permanent <see cref="VapiErrorCodes.InvalidCredential"/> before any network call. Left to
/// <see cref="HttpClient"/>, it throws <see cref="FormatException"/> or <see cref="HttpRequestException"/> from inside
/// the pipeline, where it would be retried and counted by the breaker every other tenant shares.
/// </summary>
internal static class ApiKeyCheck
{
    public static void ThrowIfUnusable(VapiCredential credential, VapiOperation operation)
    {
        if (Problem(credential.ApiKey) is { } problem)
        {
            // The message names the source and fingerprint, never the key (nor the offending character's neighbours).
            throw new VapiApiException(
                0,
                [$"The API key from {credential.Source} (fingerprint {credential.Fingerprint}) cannot be sent in an HTTP header: it contains {problem}. Nothing was sent."],
                VapiErrorCodes.InvalidCredential,
                operation.Display());
        }
    }

    /// <summary>What makes the key unusable, or <see langword="null"/> when it is fine.</summary>
    public static string? Problem(string key)
    {
        foreach (var c in key)
        {
            if (c is '\r' or '\n')
            {
                return "a line break";
            }

            if (char.IsControl(c))
            {
                return "a control character";
            }

            if (c > '\u007e')
            {
                return "a non-ASCII character";
            }

            if (c == ' ')
            {
                return "a space";
            }
        }

        return null;
    }
}
