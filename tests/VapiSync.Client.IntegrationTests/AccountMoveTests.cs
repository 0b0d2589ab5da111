using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>Each agent's assistant lives in exactly one Vapi account, and moves (never duplicates) when its key changes.</summary>
public sealed class AccountMoveTests
{
    internal const string AcmeKey = "sk-acme-own-key";
    internal const string AcmeAccount = "acme-account";

    private static readonly string PlatformFingerprint = VapiCredential.ComputeFingerprint(IntegrationHost.PlatformKey);
    private static readonly string AcmeFingerprint = VapiCredential.ComputeFingerprint(AcmeKey);

    [Fact]
    public async Task Sync_KeyStoreDownThenUp_MovedIntoOrganizationAccountAndNoneLeftInPlatformAccount()
    {
        var store = new SwitchableKeyStore();
        store.Keys["acme"] = AcmeKey;
        store.Down.Add("acme");
        await using var host = await StartAsync(store);
        var ct = IntegrationHost.Deadline();

        var duringOutage = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        store.Down.Remove("acme");
        var afterOutage = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);

        Assert.Equal((SyncOutcome.Created, "Options:PlatformApiKey"), (duringOutage.Outcome, duringOutage.CredentialSource));
        Assert.Equal((SyncOutcome.Moved, nameof(SwitchableKeyStore)), (afterOutage.Outcome, afterOutage.CredentialSource));
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Equal(afterOutage.AssistantId, Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount))["id"]!.GetValue<string>());
        Assert.Empty(afterOutage.Orphans);
        var state = await StateAsync(host, "acme");
        Assert.Equal((afterOutage.AssistantId, AcmeFingerprint, SyncOutcome.Moved), (state.AssistantId, state.AccountFingerprint, state.LastOutcome));
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1200 && r.Message.Contains(duringOutage.AssistantId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_EverySync_RecordsTheAccountFingerprintNeverTheKey()
    {
        await using var host = await IntegrationHost.StartAsync();

        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), IntegrationHost.Deadline());

        var state = await StateAsync(host, "org-1");
        Assert.Equal(PlatformFingerprint, state.AccountFingerprint);
        Assert.Equal(SyncOutcome.Created, state.LastOutcome);
        Assert.DoesNotContain(IntegrationHost.PlatformKey, state.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_OrganizationGainsKey_MovedAndOldOneDeletedWithPlatformKey()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);
        using var moves = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "VapiSync.Client", "vapisync.account.move.count");

        var (first, moved) = await OnPlatformThenGainKeyAsync(host, store, _ => host.Server.ClearRequests());

        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount));
        Assert.Equal(1, host.Count("POST"));
        Assert.Equal(1, host.Count("DELETE", "/assistant/" + first.AssistantId));
        Assert.Equal("deleted", Assert.Single(moves.GetMeasurementSnapshot()).Tags["vapisync.previous_assistant"]);
    }

    [Fact]
    public async Task Sync_MoveWhosePostGetsNoAnswer_FailsTypedWithOldAssistantAndStateKept_NextSyncMoves()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);
        var ct = IntegrationHost.Deadline();
        var first = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        store.Keys["acme"] = AcmeKey;
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.ConnectionReset());

        // New account first: the create fails, so nothing is deleted in the old one and the state still points there.
        var failed = await Assert.ThrowsAsync<VapiApiException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct));
        Assert.True(failed.IsNoResponse);
        Assert.Equal(0, host.Count("DELETE"));
        Assert.Single(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        var kept = await StateAsync(host, "acme");
        Assert.Equal((first.AssistantId, PlatformFingerprint), (kept.AssistantId, kept.AccountFingerprint));

        var moved = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);

        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Equal(moved.AssistantId, Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount))["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sync_MoveWhosePostCommitsButAnswerIsLost_AdoptedByListingInNewAccount_OnePost()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);

        // The move's create is the planner's: SafeCreate lists the new account instead of posting again.
        var (first, moved) = await OnPlatformThenGainKeyAsync(host, store, _ =>
        {
            host.Server.ClearRequests();
            host.Server.Faults.Enqueue("POST", "/assistant", Fault.CommitThenReset());
        });

        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
        Assert.Equal(1, host.Count("POST"));
        Assert.Equal(1, host.Count("DELETE", "/assistant/" + first.AssistantId));
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Equal(moved.AssistantId, Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount))["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sync_Moved_TraceTaggedWithBothAccountsAndTheOldAssistantsFate()
    {
        using var recorder = new ActivityRecorder();
        var activities = recorder.Stopped;
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);

        await OnPlatformThenGainKeyAsync(host, store, agent: "traced-move");

        var sync = Assert.Single(activities, a => a.OperationName == "vapisync sync" && (string?)a.GetTagItem("vapisync.agent_key") == "traced-move" && (string?)a.GetTagItem("vapisync.outcome") == "moved");
        Assert.Equal(PlatformFingerprint, sync.GetTagItem("vapisync.account.previous"));
        Assert.Equal(AcmeFingerprint, sync.GetTagItem("vapisync.account"));
        Assert.Equal("deleted", sync.GetTagItem("vapisync.previous_assistant"));
    }

    [Fact]
    public async Task Sync_OrganizationLosesKeyStoreKeepsRetiredKey_MovedToPlatformAndOldOneDeleted()
    {
        var store = new SwitchableKeyStore();
        var (started, _) = await StartInAcmeAccountAsync(store);
        await using var host = started;
        var ct = IntegrationHost.Deadline();

        store.Keys.Remove("acme", out _);
        store.Retire("acme", AcmeKey);
        var moved = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);

        Assert.Equal((SyncOutcome.Moved, "Options:PlatformApiKey"), (moved.Outcome, moved.CredentialSource));
        Assert.Empty(host.AssistantsOf("agent-1", "acme", AcmeAccount));
        Assert.Single(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Empty(moved.Orphans);
    }

    [Fact]
    public async Task Sync_OldKeyUnresolvable_SucceedsRecordsAndReportsOrphan_DeletedOnceKeyIsBack()
    {
        var store = new SwitchableKeyStore();
        var (started, first) = await StartInAcmeAccountAsync(store);
        await using var host = started;
        var ct = IntegrationHost.Deadline();

        store.Keys.Remove("acme", out _);
        var moved = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);

        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
        var orphan = Assert.Single(moved.Orphans);
        Assert.Equal((first.AssistantId, AcmeFingerprint), (orphan.AssistantId, orphan.AccountFingerprint));
        Assert.Equal(moved.Orphans, (await StateAsync(host, "acme")).Orphans);
        Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount));
        var warning = Assert.Single(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1201);
        Assert.Contains(first.AssistantId, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AcmeKey, warning.Message, StringComparison.Ordinal);

        // The orphan stays reported until the key is found again; the next sync that changes the agent deletes it.
        var unchanged = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        store.Retire("acme", AcmeKey);
        var updated = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme", name: "Front desk"), ct);

        Assert.Equal(moved.Orphans, unchanged.Orphans);
        Assert.Equal(SyncOutcome.Updated, updated.Outcome);
        Assert.Empty(updated.Orphans);
        Assert.Empty((await StateAsync(host, "acme")).Orphans);
        Assert.Empty(host.AssistantsOf("agent-1", "acme", AcmeAccount));
    }

    [Fact]
    public async Task Sync_KeyStoreThrowsForAgentInItsOwnAccount_TypedTransientErrorAndNoRequest()
    {
        var store = new SwitchableKeyStore();
        var (started, _) = await StartInAcmeAccountAsync(store);
        await using var host = started;
        var ct = IntegrationHost.Deadline();
        host.Server.ClearRequests();

        store.Down.Add("acme");
        var ex = await Assert.ThrowsAsync<VapiCredentialUnavailableException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme", name: "Changed"), ct));

        Assert.IsAssignableFrom<VapiSyncException>(ex);
        Assert.True(ex.IsTransient);
        Assert.Equal(VapiErrorCodes.CredentialUnavailable, ex.ErrorCode);
        Assert.Equal(AcmeFingerprint, ex.AccountFingerprint);
        Assert.Empty(host.Server.Requests);
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.DoesNotContain(AcmeKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(IntegrationHost.PlatformKey, ex.ToString(), StringComparison.Ordinal);

        // A new agent of the same organization still falls back (the default policy), and the existing one recovers.
        var newAgent = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "agent-2", org: "acme"), ct);
        store.Down.Remove("acme");
        var recovered = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme", name: "Changed"), ct);

        Assert.Equal("Options:PlatformApiKey", newAgent.CredentialSource);
        Assert.Equal(SyncOutcome.Updated, recovered.Outcome);
    }

    [Fact]
    public async Task Sync_FallbackNever_NewAgentWithFailingStoreFailsWithoutRequest()
    {
        var store = new SwitchableKeyStore();
        store.Down.Add("acme");
        await using var host = await StartAsync(store, o => o.CredentialFallback = CredentialFallback.Never);

        var ex = await Assert.ThrowsAsync<VapiCredentialUnavailableException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), IntegrationHost.Deadline()));

        Assert.True(ex.IsTransient);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task Sync_FallbackAlways_MovesOutDuringOutageAndBackAfter_OneAssistantInOrganizationAccount()
    {
        var store = new SwitchableKeyStore();
        var (started, first) = await StartInAcmeAccountAsync(store, o => o.CredentialFallback = CredentialFallback.Always);
        await using var host = started;
        var ct = IntegrationHost.Deadline();

        store.Down.Add("acme");
        var out1 = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        store.Down.Remove("acme");
        var back = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);

        // While the store is down the old key cannot be found: the assistant in the organization's account is an orphan...
        Assert.Equal(SyncOutcome.Moved, out1.Outcome);
        Assert.Equal(first.AssistantId, Assert.Single(out1.Orphans).AssistantId);

        // ...which the move back adopts instead of creating a third one.
        Assert.Equal(SyncOutcome.Moved, back.Outcome);
        Assert.Equal(first.AssistantId, back.AssistantId);
        Assert.Empty(back.Orphans);
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount));
    }

    [Fact]
    public async Task Sync_OrganizationRequiresOwnKeyInOptions_NeverUsesPlatformKey()
    {
        var store = new SwitchableKeyStore();
        store.Down.Add("acme");
        await using var host = await StartAsync(store, o => o.OrganizationsRequiringOwnKey.Add("acme"));
        var ct = IntegrationHost.Deadline();

        var storeDown = await Assert.ThrowsAsync<VapiCredentialUnavailableException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct));
        store.Down.Remove("acme");
        var noKey = await Assert.ThrowsAsync<VapiCredentialNotFoundException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct));

        Assert.True(storeDown.IsTransient);
        Assert.False(noKey.IsTransient);
        Assert.Contains(noKey.Attempts, a => a.Contains("requires its own key", StringComparison.Ordinal));
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task Sync_ProviderMarksOwnKeyRequired_NoFallbackEvenForNewAgentsWhileStoreIsDown()
    {
        var store = new SwitchableKeyStore { OwnKeyRequired = true };
        store.Keys["acme"] = AcmeKey;
        await using var host = await StartAsync(store);
        var ct = IntegrationHost.Deadline();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        host.Server.ClearRequests();

        store.Down.Add("acme");
        var ex = await Assert.ThrowsAsync<VapiCredentialUnavailableException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "agent-2", org: "acme"), ct));

        Assert.True(ex.IsTransient);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task Sync_ProviderThrowsCredentialUnavailable_ChainStopsWithoutFallback()
    {
        var store = new SwitchableKeyStore();
        store.Refuse.Add("acme");
        await using var host = await StartAsync(store, o => o.CredentialFallback = CredentialFallback.Always);

        var ex = await Assert.ThrowsAsync<VapiCredentialUnavailableException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), IntegrationHost.Deadline()));

        Assert.Equal("acme", ex.OrganizationId);
        Assert.Empty(host.Server.Requests);
    }

    [Fact]
    public async Task Sync_KeyRotatedWithinSameAccount_UpdatedInPlaceNothingDeleted()
    {
        var store = new SwitchableKeyStore();
        var (started, first) = await StartInAcmeAccountAsync(store);
        await using var host = started;
        host.Server.AddApiKey("sk-acme-rotated-key", AcmeAccount);
        var ct = IntegrationHost.Deadline();

        store.Keys["acme"] = "sk-acme-rotated-key";
        var rotated = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);

        Assert.Equal(SyncOutcome.Updated, rotated.Outcome);
        Assert.Equal(first.AssistantId, rotated.AssistantId);
        Assert.Equal(0, host.Count("DELETE"));
        Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount));
        Assert.Equal(VapiCredential.ComputeFingerprint("sk-acme-rotated-key"), (await StateAsync(host, "acme")).AccountFingerprint);
    }

    [Fact]
    public async Task Sync_OldAssistantAlreadyGone_MovedWithoutOrphan()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);

        var (_, moved) = await OnPlatformThenGainKeyAsync(host, store, id => host.Server.RemoveAssistant(IntegrationHost.PlatformAccount, id));

        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
        Assert.Empty(moved.Orphans);
        Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount));
    }

    [Fact]
    public async Task Sync_OldAssistantCannotBeDeleted_MovedAndOrphanRecorded()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);

        var (first, moved) = await OnPlatformThenGainKeyAsync(host, store, id => host.Server.PinAssistant(IntegrationHost.PlatformAccount, id));

        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
        Assert.Equal(new[] { (first.AssistantId, PlatformFingerprint) }, moved.Orphans.Select(o => (o.AssistantId, o.AccountFingerprint)));
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1201 && r.Message.Contains("409", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sync_OldAssistantDeleteKeepsFailing_MovedOrphanRecordedThenDeletedByNextChange()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);
        var ct = IntegrationHost.Deadline();

        var (first, moved) = await OnPlatformThenGainKeyAsync(host, store, _ => host.Server.Faults.Enqueue("DELETE", "/assistant/{id}", Fault.Status(503), times: 4));
        var changed = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme", name: "Changed"), ct);

        Assert.Equal(SyncOutcome.Moved, moved.Outcome);
        Assert.Equal(first.AssistantId, Assert.Single(moved.Orphans).AssistantId);
        Assert.Equal(SyncOutcome.Updated, changed.Outcome);
        Assert.Empty(changed.Orphans);
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1202 && r.Message.Contains(first.AssistantId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_AfterOrganizationGainedKey_DeletesInRecordedAccountWithItsKey()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);
        var ct = IntegrationHost.Deadline();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);

        store.Keys["acme"] = AcmeKey;
        var deleted = await host.Manager.DeleteAssistantAsync("acme", "agent-1", ct);

        Assert.True(deleted);
        Assert.Empty(host.AssistantsOf("agent-1", "acme", IntegrationHost.PlatformAccount));
        Assert.Null(await host.Services.GetRequiredService<IAssistantStateStore>().GetAsync("acme", "agent-1", ct));
    }

    [Fact]
    public async Task Delete_RecordedAccountKeyUnresolvable_TypedErrorAndStateKept()
    {
        var store = new SwitchableKeyStore();
        var (started, _) = await StartInAcmeAccountAsync(store);
        await using var host = started;
        var ct = IntegrationHost.Deadline();

        store.Keys.Remove("acme", out _);
        var ex = await Assert.ThrowsAsync<VapiCredentialUnavailableException>(() => host.Manager.DeleteAssistantAsync("acme", "agent-1", ct));

        Assert.False(ex.IsTransient);
        Assert.Single(host.AssistantsOf("agent-1", "acme", AcmeAccount));
        Assert.NotNull(await host.Services.GetRequiredService<IAssistantStateStore>().GetAsync("acme", "agent-1", ct));
    }

    internal static async Task<IntegrationHost> StartAsync(SwitchableKeyStore store, Action<VapiSyncOptions>? configure = null)
    {
        var host = await IntegrationHost.StartAsync(configure, b =>
        {
            b.Services.AddSingleton(store);
            b.AddCredentialProvider<SwitchableKeyStore>();
        });
        host.Server.AddApiKey(AcmeKey, AcmeAccount);
        return host;
    }

    /// <summary>The organization has its own key (acme account), and its agent-1 was synced once.</summary>
    private static async Task<(IntegrationHost Host, AssistantSyncResult First)> StartInAcmeAccountAsync(SwitchableKeyStore store, Action<VapiSyncOptions>? configure = null)
    {
        store.Keys["acme"] = AcmeKey;
        var host = await StartAsync(store, configure);
        return (host, await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), IntegrationHost.Deadline()));
    }

    /// <summary>The organization has no key (platform account), then gains one; <paramref name="meanwhile"/> runs in between with the first assistant's id.</summary>
    private static async Task<(AssistantSyncResult First, AssistantSyncResult Second)> OnPlatformThenGainKeyAsync(
        IntegrationHost host, SwitchableKeyStore store, Action<string>? meanwhile = null, string agent = "agent-1")
    {
        var ct = IntegrationHost.Deadline();
        var first = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: agent, org: "acme"), ct);
        meanwhile?.Invoke(first.AssistantId);
        store.Keys["acme"] = AcmeKey;
        return (first, await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: agent, org: "acme"), ct));
    }

    private static async Task<AssistantState> StateAsync(IntegrationHost host, string org) =>
        (await host.Services.GetRequiredService<IAssistantStateStore>().GetAsync(org, "agent-1"))!;

    /// <summary>A host's key store that can go down, gain or lose keys, and keeps retired keys for cleaning up old accounts.</summary>
    internal sealed class SwitchableKeyStore : ICredentialProvider
    {
        public ConcurrentDictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

        private readonly ConcurrentDictionary<(string Org, string Key), bool> _retired = new();

        public ConcurrentSet Down { get; } = new();

        public ConcurrentSet Refuse { get; } = new();

        public bool OwnKeyRequired { get; init; }

        /// <summary>Keeps a key the organization no longer uses, findable by fingerprint only.</summary>
        public void Retire(string organizationId, string key) => _retired[(organizationId, key)] = true;

        public void Forget(string organizationId, string key) => _retired.TryRemove((organizationId, key), out _);

        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default)
        {
            ThrowIfUnavailable(organizationId);
            return ValueTask.FromResult(Keys.TryGetValue(organizationId, out var key)
                ? new VapiCredential(key, nameof(SwitchableKeyStore)) { OwnKeyRequired = OwnKeyRequired }
                : null);
        }

        public ValueTask<VapiCredential?> GetCredentialByFingerprintAsync(string organizationId, string fingerprint, CancellationToken cancellationToken = default)
        {
            ThrowIfUnavailable(organizationId);
            var match = _retired.Keys.Where(r => r.Org == organizationId).Select(r => r.Key).Prepend(Keys.GetValueOrDefault(organizationId))
                .FirstOrDefault(k => k is not null && VapiCredential.ComputeFingerprint(k) == fingerprint);
            return ValueTask.FromResult(match is null ? null : new VapiCredential(match, nameof(SwitchableKeyStore)));
        }

        private void ThrowIfUnavailable(string organizationId)
        {
            if (Down.Contains(organizationId))
            {
                throw new InvalidOperationException($"key store down (connection string Password={AcmeKey})");
            }

            if (Refuse.Contains(organizationId))
            {
                throw new VapiCredentialUnavailableException(organizationId, "this organization's key is being rotated");
            }
        }
    }

    internal sealed class ConcurrentSet
    {
        private readonly ConcurrentDictionary<string, bool> _items = new(StringComparer.Ordinal);

        public void Add(string item) => _items[item] = true;

        public void Remove(string item) => _items.TryRemove(item, out _);

        public bool Contains(string item) => _items.ContainsKey(item);
    }
}
