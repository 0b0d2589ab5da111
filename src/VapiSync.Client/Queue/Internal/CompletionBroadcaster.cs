using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace VapiSync.Client.Queue.Internal;

/// <summary>Fans completions out to every live <see cref="IVapiSyncQueue.ReadCompletionsAsync"/> reader; a slow reader loses its oldest, never slows the drainer.</summary>
internal sealed class CompletionBroadcaster(IOptions<SyncQueueOptions> options)
{
    private readonly object _gate = new();
    private Channel<SyncQueueCompletion>[] _readers = [];

    public void Publish(SyncQueueCompletion completion)
    {
        foreach (var reader in Volatile.Read(ref _readers))
        {
            reader.Writer.TryWrite(completion);
        }
    }

    public async IAsyncEnumerable<SyncQueueCompletion> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<SyncQueueCompletion>(new BoundedChannelOptions(options.Value.CompletionBufferSize)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        Change(readers => [.. readers, channel]);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var completion))
                {
                    yield return completion;
                }
            }
        }
        finally
        {
            Change(readers => [.. readers.Where(r => r != channel)]);
        }
    }

    private void Change(Func<Channel<SyncQueueCompletion>[], Channel<SyncQueueCompletion>[]> change)
    {
        lock (_gate)
        {
            _readers = change(_readers);
        }
    }
}
