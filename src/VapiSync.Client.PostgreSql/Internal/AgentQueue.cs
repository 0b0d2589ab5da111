namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>
/// Syncs of one agent inside this instance wait here, in order, so only one of them at a time asks PostgreSQL for the
/// lease (fewer statements, no polling between siblings). A slot is dropped when its last user leaves.
/// </summary>
internal sealed class AgentQueue
{
    private readonly Dictionary<(string, string), Slot> _slots = [];

    public int Count
    {
        get
        {
            lock (_slots)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>Waits for the agent's turn; the returned action ends it (exactly once).</summary>
    public async ValueTask<Action> EnterAsync(string organizationId, string agentKey, CancellationToken cancellationToken)
    {
        var key = (organizationId, agentKey);
        Slot slot;
        lock (_slots)
        {
            slot = _slots.TryGetValue(key, out var existing) ? existing : _slots[key] = new Slot();
            slot.Users++;
        }

        var entered = false;
        try
        {
            await slot.Turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
        }
        finally
        {
            if (!entered)
            {
                Leave(key, slot, entered: false);
            }
        }

        var left = 0;
        return () =>
        {
            if (Interlocked.Exchange(ref left, 1) == 0)
            {
                Leave(key, slot, entered: true);
            }
        };
    }

    private void Leave((string, string) key, Slot slot, bool entered)
    {
        if (entered)
        {
            slot.Turn.Release();
        }

        lock (_slots)
        {
            if (--slot.Users == 0)
            {
                _slots.Remove(key);
                slot.Turn.Dispose();
            }
        }
    }

    private sealed class Slot
    {
        public SemaphoreSlim Turn { get; } = new(1, 1);

        public int Users { get; set; }
    }
}
