namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// One semaphore per agent, created on demand and dropped when the last holder or waiter leaves (no unbounded growth).
/// Its leases are never lost (one process) and carry fencing tokens from one counter, so they grow per agent too.
/// </summary>
internal sealed class InProcessAssistantSyncLock : IAssistantSyncLock
{
    private readonly Dictionary<(string, string), Entry> _entries = [];
    private long _lastToken;

    public async ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        await AcquireLeaseAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false);

    public async ValueTask<IAssistantSyncLease> AcquireLeaseAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        var key = (organizationId, agentKey);
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                _entries[key] = entry;
            }

            entry.References++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(key, entry, held: false);
            throw;
        }

        return new Handle(this, key, entry, Interlocked.Increment(ref _lastToken));
    }

    internal int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    private void Release((string, string) key, Entry entry, bool held)
    {
        if (held)
        {
            entry.Semaphore.Release();
        }

        lock (_entries)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }
    }

    private sealed class Handle(InProcessAssistantSyncLock owner, (string, string) key, Entry entry, long fencingToken) : IAssistantSyncLease
    {
        private int _released;

        public long FencingToken => fencingToken;

        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key, entry, held: true);
            }

            return ValueTask.CompletedTask;
        }
    }
}
