namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The place one item of a bulk sync or a queue drain holds in its bounded parallelism. A create that waits for its
/// convergence listing does nothing but wait, so it gives its place up (<see cref="YieldWhileWaiting"/>) and the next
/// item starts: the bound counts work, not waiting. The slot flows with the item's execution context; code outside a
/// bulk or a drain sees none.
/// </summary>
internal abstract class ParallelismSlot
{
    private static readonly AsyncLocal<ParallelismSlot?> CurrentSlot = new();
    private int _released;

    /// <summary>Gets the slot of the item running on this execution context, if any.</summary>
    public static ParallelismSlot? Current => CurrentSlot.Value;

    /// <summary>Makes <paramref name="slot"/> the current one for the rest of the calling async method (and what it calls).</summary>
    public static void Enter(ParallelismSlot slot) => CurrentSlot.Value = slot;

    /// <summary>Gives the place up, once: the item goes on outside the bound (its remaining work is a state write, or a rare delete).</summary>
    public static void YieldWhileWaiting()
    {
        if (CurrentSlot.Value is { } slot && Interlocked.Exchange(ref slot._released, 1) == 0)
        {
            slot.Release();
        }
    }

    /// <summary>Ends the item: gives the place up unless it was given up already.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Release();
        }
    }

    /// <summary>Frees the place for the next item.</summary>
    protected abstract void Release();

    /// <summary>A slot that is a permit of a semaphore (the bulk sync's bound).</summary>
    public sealed class Permit(SemaphoreSlim semaphore) : ParallelismSlot
    {
        protected override void Release() => semaphore.Release();
    }
}
