namespace VapiSync.Client.Queue;

/// <summary>
/// The queue's store failed (for example the database was unreachable): the save or read did not happen. The store's
/// own exception is the <see cref="Exception.InnerException"/>; the message never carries a connection string.
/// </summary>
public sealed class VapiSyncQueueStoreException : VapiSyncException
{
    /// <summary>Initializes a new instance of the <see cref="VapiSyncQueueStoreException"/> class.</summary>
    /// <param name="message">What failed; it must not contain a secret.</param>
    /// <param name="isTransient">Whether the same call may succeed later (a lost connection) or not (a missing permission).</param>
    /// <param name="innerException">The store's own exception.</param>
    public VapiSyncQueueStoreException(string message, bool isTransient, Exception? innerException = null)
        : base(message, VapiErrorCodes.QueueStoreFailed, innerException)
    {
        IsTransient = isTransient;
    }

    /// <inheritdoc />
    public override bool IsTransient { get; }
}
