namespace VapiSync.Client.Queue;

/// <summary>Where an agent's queued sync stands.</summary>
public enum SyncQueueState
{
    /// <summary>A definition (or deletion) waits to be applied; it has not failed yet, or was released without using an attempt.</summary>
    Pending,

    /// <summary>A drainer holds the item's lease and is applying it now.</summary>
    Processing,

    /// <summary>The latest definition (or deletion) was applied at Vapi.</summary>
    Synced,

    /// <summary>The last attempt failed with a transient error; the item is retried after a backoff.</summary>
    Failing,

    /// <summary>The item failed permanently (bad input, missing credential, a 4xx other than 408/429); it waits for a retry, a discard or a newer save.</summary>
    Parked,
}
