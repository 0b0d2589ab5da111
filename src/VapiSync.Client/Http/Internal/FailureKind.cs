namespace VapiSync.Client.Http.Internal;

/// <summary>
/// What a failure means for the caller's next step, whatever exception carried it. The one vocabulary the sync,
/// the breaker and the logs share; <see cref="FailureClassifier"/> is the only place that maps exceptions to it.
/// </summary>
internal enum FailureKind
{
    /// <summary>The caller's own token was cancelled.</summary>
    Cancelled,

    /// <summary>Our validation or bad input (including a malformed API key): nothing was sent; permanent.</summary>
    Invalid,

    /// <summary>No key was found for the organization: permanent until one is configured.</summary>
    CredentialMissing,

    /// <summary>A key store failed: transient.</summary>
    CredentialUnavailable,

    /// <summary>Nothing reached Vapi (open circuit, connect failure, account's rate-limit pause not over): transient.</summary>
    NotSent,

    /// <summary>Vapi answered 429: refused, so not committed; transient (see <see cref="VapiApiException.RetryAfter"/>).</summary>
    RateLimited,

    /// <summary>Vapi answered a 4xx other than 404, 408 and 429: refused, permanent.</summary>
    Refused,

    /// <summary>Vapi answered 404.</summary>
    NotFound,

    /// <summary>Vapi answered 5xx or 408: it may have committed, but the request is finished.</summary>
    ServerError,

    /// <summary>Timeout, connection broken after sending, unreadable success body: it may have committed and may still be in flight.</summary>
    NoAnswer,

    /// <summary>The per-agent lease was lost (<see cref="VapiErrorCodes.LeaseLost"/>).</summary>
    Fenced,

    /// <summary>The state store or the per-agent lock failed.</summary>
    StoreFailed,

    /// <summary>Anything else (a bug, or an exception a host's extension threw).</summary>
    Unknown,
}
