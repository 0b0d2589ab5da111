using System.ComponentModel.DataAnnotations;

namespace VapiSync.Client.Queue;

/// <summary>Which entries <see cref="IVapiSyncQueue.ListAsync"/> returns, one page at a time, ordered by organization id, then agent key (ordinal).</summary>
public sealed record SyncQueueQuery
{
    /// <summary>Gets only entries in this state, or every state when <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public SyncQueueState? State { get; init; }

    /// <summary>Gets only this organization's entries, or every organization's when <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? OrganizationId { get; init; }

    /// <summary>Gets how many entries one page holds at most.</summary>
    /// <value>The default value is 50.</value>
    [Range(1, 1000)]
    public int PageSize { get; init; } = 50;

    /// <summary>Gets the <see cref="SyncQueuePage.ContinuationToken"/> of the previous page, or <see langword="null"/> for the first page.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ContinuationToken { get; init; }
}
