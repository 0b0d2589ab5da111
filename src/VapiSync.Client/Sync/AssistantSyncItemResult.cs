namespace VapiSync.Client;

/// <summary>The result of one request of a bulk sync: either a <see cref="Result"/> or the <see cref="Error"/> it failed with.</summary>
public sealed record AssistantSyncItemResult
{
    /// <summary>Gets the request this result answers.</summary>
    public required AssistantSyncRequest Request { get; init; }

    /// <summary>Gets the sync's result, when it succeeded.</summary>
    public AssistantSyncResult? Result { get; init; }

    /// <summary>Gets the exception the sync failed with, when it failed (other requests went on regardless).</summary>
    public Exception? Error { get; init; }

    /// <summary>Gets a value indicating whether the sync succeeded.</summary>
    public bool Succeeded => Error is null;
}
