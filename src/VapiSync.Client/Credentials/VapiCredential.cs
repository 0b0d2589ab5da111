using System.Security.Cryptography;
using System.Text;

namespace VapiSync.Client.Credentials;

/// <summary>A Vapi private API key and the name of the source that supplied it.</summary>
/// <remarks><see cref="ToString"/> never shows the key; logs use <see cref="Fingerprint"/> instead.</remarks>
public sealed record VapiCredential
{
    private string? _fingerprint;

    /// <summary>Initializes a new instance of the <see cref="VapiCredential"/> class.</summary>
    /// <param name="apiKey">The Vapi private API key.</param>
    /// <param name="source">Where the key came from, for logs and results (for example <c>Options:PlatformApiKey</c>).</param>
    /// <exception cref="ArgumentException">The key or the source is empty.</exception>
    public VapiCredential(string apiKey, string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ApiKey = apiKey.Trim();
        Source = source;
        Internal.SecretRedactor.Register(ApiKey);
    }

    /// <summary>Gets the Vapi private API key. Never log it.</summary>
    public string ApiKey { get; }

    /// <summary>Gets the name of the source that supplied the key.</summary>
    public string Source { get; }

    /// <summary>
    /// Gets a value indicating whether the organization must always use a key of its own: when set by a provider, the
    /// library remembers it for the organization and never falls back to the platform key for it, even while this
    /// provider fails (the sync then fails with a transient <see cref="VapiCredentialUnavailableException"/>).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool OwnKeyRequired { get; init; }

    /// <summary>Gets the first 8 hex characters of the key's SHA-256: safe to log, enough to tell keys apart.</summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint(ApiKey);

    /// <summary>Computes the fingerprint of a key the way <see cref="Fingerprint"/> does.</summary>
    /// <param name="apiKey">The key.</param>
    /// <returns>The first 8 lowercase hex characters of the key's SHA-256.</returns>
    public static string ComputeFingerprint(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), hash);
        return Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>Returns the source and fingerprint; never the key.</summary>
    /// <returns>For example <c>VapiCredential { Source = Options:PlatformApiKey, Fingerprint = 1a2b3c4d }</c>.</returns>
    public override string ToString() => $"VapiCredential {{ Source = {Source}, Fingerprint = {Fingerprint} }}";

    /// <summary>Compares by key and source.</summary>
    /// <param name="other">The other credential.</param>
    /// <returns><see langword="true"/> when both hold the same key from the same source.</returns>
    public bool Equals(VapiCredential? other) =>
        other is not null && string.Equals(ApiKey, other.ApiKey, StringComparison.Ordinal) && string.Equals(Source, other.Source, StringComparison.Ordinal);

    /// <summary>Hashes key and source.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(ApiKey), StringComparer.Ordinal.GetHashCode(Source));
}
