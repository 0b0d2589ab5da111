using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace VapiSync.Client.Tests.Sync;

/// <summary>
/// A lock that is also the store (as the PostgreSQL one is) reads the state with the lease and writes it with the
/// release; the manager then makes neither call itself. Any other lock or store keeps the separate calls.
/// </summary>
public sealed class MergedLeaseStatementsTests
{
    private static AssistantState State(string id) => new(id, "hash", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>A harness on an empty account where a create returns a new assistant.</summary>
    private static SyncHarness Harness(Action<IVapiSyncBuilder> build)
    {
        var h = new SyncHarness(build: build);
        h.ReturnsOnList();
        h.CreateReturnsNew();
        return h;
    }

    [Fact]
    public async Task LockThatIsTheStore_StateReadWithTheLeaseAndWrittenWithTheRelease_NoSeparateCalls()
    {
        using var h = Harness(b => b.UseStateStore<MergingStore>().UseSyncLock<MergingStore>());
        var store = h.Get<MergingStore>();

        var created = await h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        var unchanged = await h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Created, created.Outcome);
        Assert.Equal(SyncOutcome.Unchanged, unchanged.Outcome); // the second sync saw the first's state, prefetched
        Assert.Equal(["acquire", "set-and-release", "acquire", "dispose"], store.Calls); // nothing to write: released alone
        Assert.Equal(created.AssistantId, store.Rows[("org-1", "agent-1")].AssistantId);
    }

    [Fact]
    public async Task MergedWriteRefused_SyncFailsWithLeaseLost_NothingWritten_NoSecondWrite()
    {
        using var h = Harness(b => b.UseStateStore<MergingStore>().UseSyncLock<MergingStore>());
        var store = h.Get<MergingStore>();
        store.RefuseWrites = true;

        var ex = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => h.Manager.EnsureAssistantAsync(SyncHarness.Request()));

        Assert.Equal(VapiErrorCodes.LeaseLost, ex.ErrorCode);
        Assert.Empty(store.Rows);
        Assert.Equal(["acquire", "set-and-release", "dispose"], store.Calls);
    }

    [Fact]
    public async Task LockOfAnotherStore_ItsPrefetchIsNotUsed_SeparateReadAndFencedWrite()
    {
        // The merging lock, but the default in-memory store: the lease must not answer for a store it does not own.
        using var h = Harness(b => b.UseSyncLock<MergingStore>());
        var syncLock = h.Get<MergingStore>();
        syncLock.Rows[("org-1", "agent-1")] = State("from-the-wrong-store");

        var result = await h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Created, result.Outcome);
        Assert.Equal(result.AssistantId, (await h.Store.GetAsync("org-1", "agent-1"))!.AssistantId);
        Assert.Equal(["acquire", "dispose"], syncLock.Calls);
    }

    /// <summary>A store that is its own lock and implements the merged members; it records what the manager calls.</summary>
    private sealed class MergingStore : IAssistantStateStore, IAssistantSyncLock
    {
        private long _token;

        public ConcurrentDictionary<(string, string), AssistantState> Rows { get; } = new();

        public ConcurrentQueue<string> Calls { get; } = new();

        public bool RefuseWrites { get; set; }

        public ValueTask<AssistantState?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
        {
            Calls.Enqueue("get");
            return ValueTask.FromResult(Rows.GetValueOrDefault((organizationId, agentKey)));
        }

        public ValueTask SetAsync(string organizationId, string agentKey, AssistantState state, CancellationToken cancellationToken = default)
        {
            Calls.Enqueue("set");
            Rows[(organizationId, agentKey)] = state;
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> RemoveAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Rows.TryRemove((organizationId, agentKey), out _));

        public async ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            await AcquireLeaseAsync(organizationId, agentKey, cancellationToken);

        public ValueTask<IAssistantSyncLease> AcquireLeaseAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
        {
            Calls.Enqueue("acquire");
            return ValueTask.FromResult<IAssistantSyncLease>(new Lease(this, (organizationId, agentKey), Interlocked.Increment(ref _token), Rows.GetValueOrDefault((organizationId, agentKey))));
        }

        private sealed class Lease(MergingStore owner, (string, string) key, long token, AssistantState? prefetched) : IAssistantSyncLease
        {
            private bool _released;

            public long FencingToken => token;

            public CancellationToken Lost => CancellationToken.None;

            public bool TryGetPrefetchedState(IAssistantStateStore store, out AssistantState? state)
            {
                state = prefetched;
                return ReferenceEquals(store, owner);
            }

            public ValueTask<bool> TrySetStateAndReleaseAsync(IAssistantStateStore store, AssistantState state, CancellationToken cancellationToken = default)
            {
                if (!ReferenceEquals(store, owner))
                {
                    return ValueTask.FromResult(false);
                }

                owner.Calls.Enqueue("set-and-release");
                if (owner.RefuseWrites)
                {
                    throw VapiSyncLeaseException.LeaseLost(key.Item1, key.Item2, token);
                }

                owner.Rows[key] = state;
                _released = true;
                return ValueTask.FromResult(true);
            }

            public ValueTask DisposeAsync()
            {
                if (!_released)
                {
                    owner.Calls.Enqueue("dispose");
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
