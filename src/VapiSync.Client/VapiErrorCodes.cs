namespace VapiSync.Client;

/// <summary>
/// The error codes the library itself assigns (<see cref="VapiSyncException.ErrorCode"/>). When Vapi answered with
/// an error body, the code is Vapi's own <c>error</c> field instead (for example <c>Bad Request</c> or
/// <c>assistant_pinned</c>).
/// </summary>
public static class VapiErrorCodes
{
    /// <summary>The circuit breaker is open (or isolated): the request was not sent.</summary>
    public const string CircuitOpen = "circuit_open";

    /// <summary>Vapi did not answer in time (the attempt or total timeout elapsed, or the body stalled).</summary>
    public const string Timeout = "timeout";

    /// <summary>The connection to Vapi failed or broke.</summary>
    public const string ConnectionFailed = "connection_failed";

    /// <summary>Vapi answered with a body the library could not read.</summary>
    public const string MalformedResponse = "malformed_response";

    /// <summary>Vapi (or the account's pause after a <c>Retry-After</c>) refused the request for now.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The input cannot be sent to Vapi; nothing was sent.</summary>
    public const string ValidationFailed = "validation_failed";

    /// <summary>No credential provider had a key for the organization.</summary>
    public const string CredentialNotFound = "credential_not_found";

    /// <summary>A credential provider failed and falling back to another account was not allowed.</summary>
    public const string CredentialUnavailable = "credential_unavailable";

    /// <summary>The resolved API key cannot be used in an HTTP header (for example it contains a line break).</summary>
    public const string InvalidCredential = "invalid_credential";

    /// <summary>The sync lost its per-agent lease (fenced): its state write was refused; the next sync settles it.</summary>
    public const string LeaseLost = "lease_lost";

    /// <summary>The per-agent lock or lease could not be taken in time.</summary>
    public const string LockTimeout = "lock_timeout";

    /// <summary>The state store failed.</summary>
    public const string StateStoreFailed = "state_store_failed";

    /// <summary>The sync queue's store failed; the queued save or read did not happen.</summary>
    public const string QueueStoreFailed = "queue_store_failed";
}
