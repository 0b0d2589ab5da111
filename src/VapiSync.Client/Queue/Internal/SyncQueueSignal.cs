namespace VapiSync.Client.Queue.Internal;

/// <summary>Wakes the drainer when this instance enqueues, so a save does not wait for the next poll.</summary>
internal sealed class SyncQueueSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref _next).TrySetResult();

    /// <summary>Completes at the next <see cref="Set"/> after this call, or at once when one happened since the last wait.</summary>
    public Task WaitAsync() => Volatile.Read(ref _next).Task;

    /// <summary>Arms the signal again; called by the drainer before it looks at the store, so no enqueue is missed.</summary>
    public void Reset()
    {
        var current = Volatile.Read(ref _next);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }
    }
}
