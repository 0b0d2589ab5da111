using System.Collections.Concurrent;

namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// The items this instance's drainer holds claimed, by agent, so an enqueue on this instance marks a claimed-ahead item
/// it replaced at once: that item is then re-read before it is sent, and Vapi never goes back to an older definition
/// (or gets a save after a deletion) because of claim-ahead. Costs one dictionary write per claim and per settle.
/// </summary>
internal sealed class ClaimedItems
{
    private readonly ConcurrentDictionary<(string, string), ClaimLease> _leases = new();

    public void Add(ClaimLease lease) => _leases[Key(lease.Item)] = lease;

    public void Remove(ClaimLease lease) => _leases.TryRemove(KeyValuePair.Create(Key(lease.Item), lease));

    /// <summary>Called after an enqueue: a claimed item of an older version of the agent is marked for a re-read.</summary>
    public void Enqueued(SyncQueueEntry entry)
    {
        if (!_leases.IsEmpty && _leases.TryGetValue((entry.OrganizationId, entry.AgentKey), out var lease))
        {
            lease.Supersede(entry.Version);
        }
    }

    private static (string, string) Key(SyncQueueWorkItem item) => (item.OrganizationId, item.AgentKey);
}
