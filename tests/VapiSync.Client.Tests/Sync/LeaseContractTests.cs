using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

/// <summary>The lease and fencing contract as the default (in-process) lock and in-memory store honour it.</summary>
public sealed class LeaseContractTests
{
    private static AssistantState State(string id) => new(id, "hash", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task InProcessLock_EveryAcquisition_GetsAGreaterTokenAndIsNeverLost()
    {
        var syncLock = new InProcessAssistantSyncLock();
        var tokens = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            await using var lease = await syncLock.AcquireLeaseAsync("org", "agent");
            tokens.Add(lease.FencingToken);
            Assert.False(lease.Lost.CanBeCanceled);
        }

        Assert.True(tokens[0] > 0 && tokens[0] < tokens[1] && tokens[1] < tokens[2], string.Join(",", tokens));
        Assert.Equal(0, syncLock.Count);
    }

    [Fact]
    public async Task InMemoryStore_WriteUnderOlderToken_RefusedAndNewerStateKept()
    {
        var store = new InMemoryAssistantStateStore();
        await store.SetFencedAsync("org", "agent", State("new"), fencingToken: 7);

        var set = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => store.SetFencedAsync("org", "agent", State("stale"), fencingToken: 6).AsTask());
        var remove = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => store.RemoveFencedAsync("org", "agent", fencingToken: 6).AsTask());

        Assert.Equal(VapiErrorCodes.LeaseLost, set.ErrorCode);
        Assert.Equal(VapiErrorCodes.LeaseLost, remove.ErrorCode);
        Assert.True(set.IsTransient);
        Assert.Equal(("org", "agent"), (set.OrganizationId, set.AgentKey));
        Assert.Equal("new", (await store.GetAsync("org", "agent"))!.AssistantId);
    }

    [Fact]
    public async Task InMemoryStore_TokenRememberedPastRemoval_StaleWriterCannotBringStateBack()
    {
        var store = new InMemoryAssistantStateStore();
        await store.SetFencedAsync("org", "agent", State("a"), fencingToken: 1);
        Assert.True(await store.RemoveFencedAsync("org", "agent", fencingToken: 2));

        await Assert.ThrowsAsync<VapiSyncLeaseException>(() => store.SetFencedAsync("org", "agent", State("stale"), fencingToken: 1).AsTask());
        await store.SetFencedAsync("org", "agent", State("unfenced"), fencingToken: 0);

        Assert.Equal("unfenced", (await store.GetAsync("org", "agent"))!.AssistantId);
    }

    [Fact]
    public async Task Manager_StateWrites_CarryTheLeaseToken()
    {
        using var h = new SyncHarness();
        h.ReturnsOnList();
        h.CreateReturnsNew();
        await h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        await h.Manager.EnsureAssistantAsync(SyncHarness.Request() with { Force = true });

        // The forced sync wrote under the second lease: a write under the first one's token is now stale.
        var stale = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => h.Store.SetFencedAsync("org-1", "agent-1", State("stale"), fencingToken: 1).AsTask());

        Assert.Equal(VapiErrorCodes.LeaseLost, stale.ErrorCode);
    }

    [Fact]
    public async Task Manager_LeaseLostDuringAVapiCall_FailsWithLeaseLostAndStoresNothing()
    {
        var syncLock = new LosingLock();
        using var h2 = new SyncHarness(build: b => { b.Services.AddSingleton(syncLock); b.UseSyncLock<LosingLock>(); });
        h2.ReturnsOnList();
        h2.Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                await syncLock.Lose();
                await Task.Delay(Timeout.Infinite, call.Arg<CancellationToken>());
                return SyncHarness.Assistant();
            });

        var ex = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => h2.Manager.EnsureAssistantAsync(SyncHarness.Request()).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(VapiErrorCodes.LeaseLost, ex.ErrorCode);
        Assert.Equal(42, syncLock.Released);
        Assert.Null(await h2.Store.GetAsync("org-1", "agent-1"));
    }

    [Fact]
    public async Task Manager_ThirdPartyLockWithoutLeases_StillSerializesAndSyncs()
    {
        using var h = new SyncHarness(build: b => b.UseSyncLock<LegacyLock>());
        h.ReturnsOnList();
        h.CreateReturnsNew();

        var result = await h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Created, result.Outcome);
        Assert.Equal(1, h.Get<LegacyLock>().Acquired);
        Assert.NotNull(await h.Store.GetAsync("org-1", "agent-1"));
    }

    [Fact]
    public async Task Manager_IdWithNulOrLoneSurrogate_RejectedBeforeAnyCall()
    {
        // Not [InlineData]: attribute strings are stored as UTF-8, which would replace the lone surrogates.
        using var h = new SyncHarness();
        foreach (var (org, agent) in new[] { ("org-1", "a\u0000b"), ("o\u0000", "agent"), ("org-1", "a\ud800"), ("\udc00x", "agent"), ("org-1", "\udc00\ud800") })
        {
            var ex = await Assert.ThrowsAsync<VapiValidationException>(() => h.Manager.EnsureAssistantAsync(SyncHarness.Request(agent, org)));
            Assert.Equal(VapiErrorCodes.ValidationFailed, ex.ErrorCode);
            await Assert.ThrowsAsync<VapiValidationException>(() => h.Manager.DeleteAssistantAsync(org, agent));
        }

        Assert.Empty(h.Client.ReceivedCalls());
    }

    [Fact]
    public async Task Manager_IdWithSurrogatePairAndAnyOtherUnicode_Accepted()
    {
        using var h = new SyncHarness();
        h.ReturnsOnList();
        h.CreateReturnsNew();

        var result = await h.Manager.EnsureAssistantAsync(SyncHarness.Request("agent 😀 ünïcødé \u200b\uffff", "org/ß"));

        Assert.Equal(SyncOutcome.Created, result.Outcome);
    }

    /// <summary>A lock written before leases existed: only <see cref="IAssistantSyncLock.AcquireAsync"/>.</summary>
    private sealed class LegacyLock : IAssistantSyncLock
    {
        public int Acquired { get; private set; }

        public ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
        {
            Acquired++;
            return ValueTask.FromResult<IAsyncDisposable>(new Handle());
        }

        private sealed class Handle : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>A lock whose lease the test loses on demand (as a renewal that finds the lease taken would).</summary>
    private sealed class LosingLock : IAssistantSyncLock
    {
        private readonly CancellationTokenSource _lost = new();

        public int Released { get; private set; }

        public Task Lose() => _lost.CancelAsync();

        public async ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            await AcquireLeaseAsync(organizationId, agentKey, cancellationToken);

        public ValueTask<IAssistantSyncLease> AcquireLeaseAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IAssistantSyncLease>(new Lease(this));

        private sealed class Lease(LosingLock owner) : IAssistantSyncLease
        {
            public long FencingToken => 42;

            public CancellationToken Lost => owner._lost.Token;

            public ValueTask DisposeAsync()
            {
                owner.Released = (int)FencingToken;
                return ValueTask.CompletedTask;
            }
        }
    }
}
