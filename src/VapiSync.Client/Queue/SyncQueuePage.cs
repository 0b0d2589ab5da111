namespace VapiSync.Client.Queue;

/// <summary>One page of queue entries.</summary>
public sealed record SyncQueuePage
{
    /// <summary>Gets the entries of this page.</summary>
    public required IReadOnlyList<SyncQueueEntry> Items { get; init; }

    /// <summary>Gets the token that asks for the next page, or <see langword="null"/> when this is the last one.</summary>
    public string? ContinuationToken { get; init; }
}
