namespace VapiSync.Client.Testing;

/// <summary>One request the fake received, as it answered it.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, for example <c>/assistant/3fa85f64-...</c>.</param>
/// <param name="Query">The query string, with its leading <c>?</c>, or empty.</param>
/// <param name="KeyFingerprint">The first 8 hex characters of the bearer key's SHA-256 (never the key), or <see langword="null"/>.</param>
/// <param name="Body">The request body, or <see langword="null"/>.</param>
/// <param name="StatusCode">The status answered; 0 when the connection was reset instead.</param>
/// <param name="Fault">The injected fault, if any, for example <c>Status(503)</c>.</param>
/// <param name="Timestamp">When the request arrived.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    string? KeyFingerprint,
    string? Body,
    int StatusCode,
    string? Fault,
    DateTimeOffset Timestamp);
