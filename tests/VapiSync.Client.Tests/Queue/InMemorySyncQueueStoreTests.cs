using VapiSync.Client.Queue;
using VapiSync.Client.Queue.Internal;

namespace VapiSync.Client.Tests.Queue;

public sealed class InMemorySyncQueueStoreTests : SyncQueueStoreContract
{
    protected override Task<ISyncQueueStore> CreateStoreAsync() => Task.FromResult<ISyncQueueStore>(new InMemorySyncQueueStore());
}
