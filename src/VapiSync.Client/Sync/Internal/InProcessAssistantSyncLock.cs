namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// One entry per agent, created on demand and dropped when the last holder or waiter leaves (no unbounded growth); its
/// semaphore exists only once a second caller has to wait, so an uncontended sync takes the lock without one.
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
        SemaphoreSlim? wait = null;
        lock (_entries)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                // Nobody holds or awaits the agent: taken at once, and no semaphore exists until a second caller comes.
                entry = new Entry();
                _entries[key] = entry;
            }
            else
            {
                // Held: the semaphore starts at zero (the holder's release hands it on), created by the first waiter.
                wait = entry.Semaphore ??= new SemaphoreSlim(0, 1);
            }

            entry.References++;
        }

        if (wait is not null)
        {
            try
            {
                await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Release(key, entry, held: false);
                throw;
            }
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
        lock (_entries)
        {
            if (--entry.References == 0)
            {
                _entries.Remove(key);
                entry.Semaphore?.Dispose();
            }
            else if (held)
            {
                // Someone is waiting (or about to wait) on the semaphore: hand the agent on.
                entry.Semaphore!.Release();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim? Semaphore { get; set; }

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
