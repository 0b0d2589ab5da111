namespace VapiSync.Client;

/// <summary>
/// The state store or the per-agent lock failed (<see cref="VapiErrorCodes.StateStoreFailed"/>). Whatever was sent to
/// Vapi before the failure is found again by the next sync through the assistant's sync key.
/// </summary>
public sealed class VapiStateStoreException : VapiSyncException
{
    /// <summary>Initializes a new instance of the <see cref="VapiStateStoreException"/> class.</summary>
    /// <param name="message">What failed; it must not contain a secret.</param>
    /// <param name="innerException">The store's or lock's own exception.</param>
    public VapiStateStoreException(string message, Exception? innerException = null)
        : base(message, VapiErrorCodes.StateStoreFailed, innerException)
    {
    }

    /// <summary>Gets a value that is always <see langword="true"/>: a store failure is usually temporary.</summary>
    public override bool IsTransient => true;
}
