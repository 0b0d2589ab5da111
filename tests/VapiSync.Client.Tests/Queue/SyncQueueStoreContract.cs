using CsCheck;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Tests.Queue;

/// <summary>
/// What every <see cref="ISyncQueueStore"/> must do, against the public interface only: the in-memory store runs it
/// here, the PostgreSQL store in its own test project (the file is linked there).
/// </summary>
public abstract class SyncQueueStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<ISyncQueueStore> CreateStoreAsync();

    protected virtual long ModelIterations => 200;

    [StoreFact]
    public async Task Enqueue_NewAgent_IsPendingAtVersionOne()
    {
        var store = await CreateStoreAsync();
        var entry = await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        Assert.Equal((SyncQueueState.Pending, 1L, T0), (entry.State, entry.Version, entry.PendingSince!.Value));
        Assert.Equal(entry, await store.GetAsync("org-1", "a"));
    }

    [StoreFact]
    public async Task Enqueue_SeveralSaves_CoalesceToTheLatestDefinition()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v2"), T0.AddSeconds(1));
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v3"), T0.AddSeconds(2));

        var claimed = Assert.Single(await store.ClaimAsync(10, Lease, T0.AddSeconds(3)));

        Assert.Equal((3L, "v3", T0), (claimed.Version, claimed.Request!.Assistant.Name, claimed.PendingSince!.Value));
    }

    [StoreFact]
    public async Task Claim_ClaimedItem_IsNotClaimedAgainUntilItsLeaseExpires()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var first = Assert.Single(await store.ClaimAsync(10, Lease, T0));

        Assert.Empty(await store.ClaimAsync(10, Lease, T0 + Lease - TimeSpan.FromSeconds(1)));
        var second = Assert.Single(await store.ClaimAsync(10, Lease, T0 + Lease));

        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.Null(await store.CompleteAsync(first, "asst-1", SyncOutcome.Created, T0 + Lease)); // fenced: the dead claimer writes nothing
        Assert.Equal(SyncQueueState.Processing, (await store.GetAsync("org-1", "a"))!.State);
    }

    [StoreFact]
    public async Task Renew_ExtendsTheClaimSoItIsNotClaimedAgainWhileRenewed()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var first = Assert.Single(await store.ClaimAsync(10, Lease, T0));

        var renewedAt = T0 + (Lease / 3);
        var renewed = await store.RenewAsync(first, Lease, renewedAt);
        Assert.Equal(first with { LeaseExpiresAt = renewedAt + Lease }, renewed); // unchanged but for the expiry

        Assert.Empty(await store.ClaimAsync(10, Lease, T0 + Lease)); // the original expiry passed, the renewed one holds
        Assert.Empty(await store.ClaimAsync(10, Lease, renewedAt + Lease - TimeSpan.FromSeconds(1)));
        Assert.NotNull(await store.CompleteAsync(first, "asst-1", SyncOutcome.Created, renewedAt + Lease - TimeSpan.FromSeconds(1)));
        Assert.Equal(SyncQueueState.Synced, (await store.GetAsync("org-1", "a"))!.State);
    }

    [StoreFact]
    public Task Renew_AfterANewerSaveWasEnqueued_ReturnsItUnderTheSameClaim() => RenewAfterNewerAsync(SyncQueueOperation.Save);

    [StoreFact]
    public Task Renew_AfterADeletionWasEnqueued_ReturnsItUnderTheSameClaim() => RenewAfterNewerAsync(SyncQueueOperation.Delete);

    private async Task RenewAfterNewerAsync(SyncQueueOperation newer)
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var claimed = Assert.Single(await store.ClaimAsync(10, Lease, T0));
        await store.EnqueueAsync("org-1", "a", newer, newer == SyncQueueOperation.Save ? Save("a", "v2") : null, T0.AddSeconds(1));

        var renewed = await store.RenewAsync(claimed, Lease, T0.AddSeconds(2));

        Assert.NotNull(renewed);
        Assert.Equal((2L, newer, claimed.LeaseToken, T0.AddSeconds(2) + Lease), (renewed.Version, renewed.Operation, renewed.LeaseToken, renewed.LeaseExpiresAt));
        Assert.Equal(newer == SyncQueueOperation.Save ? "v2" : null, renewed.Request?.Assistant.Name);

        // Completing the renewed (latest) version marks the entry synced: nothing older is left to apply.
        var entry = await store.CompleteAsync(renewed, newer == SyncQueueOperation.Save ? "asst-1" : null, null, T0.AddSeconds(3));
        Assert.Equal((SyncQueueState.Synced, 2L), (entry!.State, entry.Version));
    }

    [StoreFact]
    public async Task Renew_OfAClaimTakenSettledOrHandedBack_ReturnsNullAndChangesNothing()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var first = Assert.Single(await store.ClaimAsync(10, Lease, T0));
        var thief = Assert.Single(await store.ClaimAsync(10, Lease, T0 + Lease)); // the first claim expired and was taken

        Assert.Null(await store.RenewAsync(first, Lease, T0 + Lease));
        Assert.Null(await store.CompleteAsync(first, "stale", SyncOutcome.Created, T0 + Lease));
        Assert.Empty(await store.ClaimAsync(10, Lease, T0 + Lease + Lease - TimeSpan.FromSeconds(1))); // the thief's lease was not moved
        Assert.NotNull(await store.CompleteAsync(thief, "asst-1", SyncOutcome.Created, T0 + Lease + TimeSpan.FromSeconds(1)));
        Assert.Null(await store.RenewAsync(thief, Lease, T0 + Lease + TimeSpan.FromSeconds(2))); // settled: nothing to renew

        // An enqueue after a claim expired hands the item back to pending: its old claimer may not renew it.
        await store.EnqueueAsync("org-1", "b", SyncQueueOperation.Save, Save("b", "v1"), T0);
        var expired = Assert.Single(await store.ClaimAsync(10, Lease, T0 + TimeSpan.FromSeconds(1)));
        await store.EnqueueAsync("org-1", "b", SyncQueueOperation.Save, Save("b", "v2"), T0 + Lease + TimeSpan.FromSeconds(2));
        Assert.Null(await store.RenewAsync(expired, Lease, T0 + Lease + TimeSpan.FromSeconds(3)));
        Assert.Equal((SyncQueueState.Pending, "b"), (await store.GetAsync("org-1", "b")) is { } b ? (b.State, b.AgentKey) : default);
    }

    [StoreFact]
    public async Task Complete_SameVersion_IsSyncedWithTheAssistantId()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var item = Assert.Single(await store.ClaimAsync(10, Lease, T0));

        var entry = await store.CompleteAsync(item, "asst-1", SyncOutcome.Created, T0.AddSeconds(1));

        Assert.Equal((SyncQueueState.Synced, "asst-1", SyncOutcome.Created, (DateTimeOffset?)null), (entry!.State, entry.AssistantId, entry.Outcome!.Value, entry.PendingSince));
        Assert.Empty(await store.ClaimAsync(10, Lease, T0.AddHours(1)));
    }

    [StoreFact]
    public async Task Complete_WhenANewerSaveArrivedDuringProcessing_LeavesTheNewerOnePending()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var older = Assert.Single(await store.ClaimAsync(10, Lease, T0));
        var during = await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v2"), T0.AddSeconds(1));
        Assert.Equal(SyncQueueState.Processing, during.State); // the newer save waits for the older one to finish
        Assert.Empty(await store.ClaimAsync(10, Lease, T0.AddSeconds(1)));

        var entry = await store.CompleteAsync(older, "asst-1", SyncOutcome.Created, T0.AddSeconds(2));

        Assert.Equal((SyncQueueState.Pending, 2L, "asst-1"), (entry!.State, entry.Version, entry.AssistantId));
        var newer = Assert.Single(await store.ClaimAsync(10, Lease, T0.AddSeconds(2)));
        Assert.Equal((2L, "v2"), (newer.Version, newer.Request!.Assistant.Name));
    }

    [StoreFact]
    public async Task Fail_UsesAnAttemptAndWaitsForTheBackoff()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var item = Assert.Single(await store.ClaimAsync(10, Lease, T0));

        var entry = await store.FailAsync(item, Error("timeout", transient: true), T0.AddSeconds(30), T0);

        Assert.Equal((SyncQueueState.Failing, 1, "timeout"), (entry!.State, entry.Attempts, entry.LastError!.ErrorCode));
        Assert.Empty(await store.ClaimAsync(10, Lease, T0.AddSeconds(29)));
        Assert.Equal(1, Assert.Single(await store.ClaimAsync(10, Lease, T0.AddSeconds(30))).Attempts);
    }

    [StoreFact]
    public async Task Release_UsesNoAttempt()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var item = Assert.Single(await store.ClaimAsync(10, Lease, T0));

        var entry = await store.ReleaseAsync(item, T0.AddSeconds(5), T0);

        Assert.Equal((SyncQueueState.Pending, 0), (entry!.State, entry.Attempts));
        Assert.Empty(await store.ClaimAsync(10, Lease, T0.AddSeconds(4)));
        Assert.Single(await store.ClaimAsync(10, Lease, T0.AddSeconds(5)));
    }

    [StoreFact]
    public async Task Park_KeepsTheReasonAndIsNotClaimedUntilRetried()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        var item = Assert.Single(await store.ClaimAsync(10, Lease, T0));

        var parked = await store.ParkAsync(item, Error("Bad Request", transient: false), "Vapi refused it with 400", T0);

        Assert.Equal((SyncQueueState.Parked, "Vapi refused it with 400", 1), (parked!.State, parked.ParkedReason!, parked.Attempts));
        Assert.Empty(await store.ClaimAsync(10, Lease, T0.AddDays(1)));
        Assert.True(await store.RetryAsync("org-1", "a", T0.AddDays(1)));
        var retried = Assert.Single(await store.ClaimAsync(10, Lease, T0.AddDays(1)));
        Assert.Equal(0, retried.Attempts);
    }

    [StoreFact]
    public async Task Retry_SyncedOrMissingEntry_ReturnsFalse()
    {
        var store = await CreateStoreAsync();
        Assert.False(await store.RetryAsync("org-1", "missing", T0));
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        await store.CompleteAsync(Assert.Single(await store.ClaimAsync(10, Lease, T0)), "asst-1", SyncOutcome.Created, T0);
        Assert.False(await store.RetryAsync("org-1", "a", T0));
    }

    [StoreFact]
    public async Task EnqueueDelete_WinsOverAnOlderSave()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Delete, null, T0.AddSeconds(1));

        var item = Assert.Single(await store.ClaimAsync(10, Lease, T0.AddSeconds(1)));

        Assert.Equal((SyncQueueOperation.Delete, (AssistantSyncRequest?)null), (item.Operation, item.Request));
    }

    [StoreFact]
    public async Task Discard_WaitingEntry_IsRemovedButALiveClaimIsKept()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0);
        await store.EnqueueAsync("org-1", "b", SyncQueueOperation.Save, Save("b", "v1"), T0.AddSeconds(1));
        Assert.Single(await store.ClaimAsync(1, Lease, T0.AddSeconds(1)));

        Assert.False(await store.DiscardAsync("org-1", "a", T0.AddSeconds(2)));
        Assert.True(await store.DiscardAsync("org-1", "b", T0.AddSeconds(2)));
        Assert.Null(await store.GetAsync("org-1", "b"));
    }

    [StoreFact]
    public async Task List_PagesInKeyOrderAndFiltersByState()
    {
        var store = await CreateStoreAsync();
        foreach (var agent in new[] { "d", "b", "a", "c", "e" })
        {
            await store.EnqueueAsync("org-1", agent, SyncQueueOperation.Save, Save(agent, "v1"), T0);
        }

        await store.EnqueueAsync("org-0", "z", SyncQueueOperation.Save, Save("z", "v1"), T0);
        var first = await store.ListAsync(new SyncQueueQuery { OrganizationId = "org-1", PageSize = 2 });
        var second = await store.ListAsync(new SyncQueueQuery { OrganizationId = "org-1", PageSize = 2, ContinuationToken = first.ContinuationToken });
        var third = await store.ListAsync(new SyncQueueQuery { OrganizationId = "org-1", PageSize = 2, ContinuationToken = second.ContinuationToken });

        Assert.Equal(["a", "b", "c", "d", "e"], first.Items.Concat(second.Items).Concat(third.Items).Select(e => e.AgentKey));
        Assert.Null(third.ContinuationToken);
        var all = await store.ListAsync(new SyncQueueQuery { State = SyncQueueState.Pending, PageSize = 100 });
        Assert.Equal("org-0", all.Items[0].OrganizationId);
        Assert.Empty((await store.ListAsync(new SyncQueueQuery { State = SyncQueueState.Parked })).Items);
    }

    [StoreFact]
    public async Task Statistics_CountStatesAndTheOldestWaitingSave()
    {
        var store = await CreateStoreAsync();
        await store.EnqueueAsync("org-1", "parked", SyncQueueOperation.Save, Save("parked", "v1"), T0);
        await store.ParkAsync(Assert.Single(await store.ClaimAsync(1, Lease, T0)), Error("Bad Request", false), "bad", T0);
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v1"), T0.AddMinutes(1));
        await store.EnqueueAsync("org-1", "b", SyncQueueOperation.Save, Save("b", "v1"), T0.AddMinutes(2));
        await store.EnqueueAsync("org-1", "a", SyncQueueOperation.Save, Save("a", "v2"), T0.AddMinutes(3)); // still waiting since minute 1

        var stats = await store.GetStatisticsAsync(T0.AddMinutes(10));

        Assert.Equal((2L, 1L, 2L, T0.AddMinutes(1), TimeSpan.FromMinutes(9)), (stats.Pending, stats.Parked, stats.Depth, stats.OldestPendingSince!.Value, stats.OldestPendingAge));
    }

    /// <summary>
    /// A random history of enqueues, claims by several drainers, completions, failures, parks, releases and lease
    /// expiries: no agent is ever held by two live claims, every claim carries the latest definition, accepted
    /// completions never go back in version, and after a final drain every agent is synced at its latest version.
    /// </summary>
    [StoreFact]
    public async Task RandomHistory_NeverLosesReordersOrDoubleClaims()
    {
        await Gen.Int[0, int.MaxValue].Array[20, 160].SampleAsync(
            async ops =>
            {
                var store = await CreateStoreAsync();
                await new StoreModel(store).RunAsync(ops);
            },
            iter: ModelIterations,
            threads: 1);
    }

    protected static AssistantSyncRequest Save(string agent, string name, string org = "org-1") =>
        new(org, agent, new AssistantDefinition { Name = name, FirstMessage = "Hello!" });

    protected static SyncQueueError Error(string code, bool transient) =>
        new() { ErrorCode = code, Message = "simulated " + code, IsTransient = transient, OccurredAt = T0 };

    private sealed class StoreModel(ISyncQueueStore store)
    {
        private static readonly string[] Agents = ["a", "b", "c", "d"];
        private readonly Dictionary<string, long> _latest = [];
        private readonly Dictionary<string, string> _latestName = [];
        private readonly Dictionary<string, long> _lastAccepted = [];
        private readonly List<SyncQueueWorkItem> _held = [];
        private DateTimeOffset _now = T0;
        private int _names;

        public async Task RunAsync(int[] ops)
        {
            foreach (var op in ops)
            {
                await StepAsync(op);
            }

            // Final drain: time passes, parked items are retried, everything claimable is completed.
            _held.Clear();
            _now += Lease + TimeSpan.FromHours(2);
            for (var round = 0; round < 20; round++)
            {
                foreach (var agent in Agents)
                {
                    await store.RetryAsync("org-1", agent, _now);
                }

                var claimed = await store.ClaimAsync(100, Lease, _now);
                if (claimed.Count == 0)
                {
                    break;
                }

                foreach (var item in claimed)
                {
                    Check(item);
                    Accept(item, await store.CompleteAsync(item, "asst-" + item.AgentKey, SyncOutcome.Updated, _now));
                }
            }

            foreach (var (agent, version) in _latest)
            {
                var entry = await store.GetAsync("org-1", agent);
                Assert.True(entry is { State: SyncQueueState.Synced } && entry.Version == version, $"{agent}: expected synced v{version}, got {entry}");
                Assert.Equal(version, _lastAccepted[agent]);
            }
        }

        private async Task StepAsync(int op)
        {
            var agent = Agents[op % Agents.Length];
            switch ((op / Agents.Length) % 8)
            {
                case 0 or 1:
                    var name = "n" + _names++;
                    var entry = await store.EnqueueAsync("org-1", agent, SyncQueueOperation.Save, Save(agent, name), _now);
                    Assert.Equal(_latest.GetValueOrDefault(agent) + 1, entry.Version);
                    (_latest[agent], _latestName[agent]) = (entry.Version, name);
                    break;
                case 2 or 3:
                    foreach (var item in await store.ClaimAsync(1 + (op % 3), Lease, _now))
                    {
                        Check(item);
                        _held.RemoveAll(h => h.AgentKey == item.AgentKey); // an expired lease was taken over
                        _held.Add(item);
                    }

                    break;
                case 4 or 5 when _held.Count > 0:
                    await SettleAsync(_held[op % _held.Count], op);
                    break;
                case 6:
                    _now += TimeSpan.FromSeconds(op % 400); // sometimes past a lease
                    break;
                default:
                    if (_held.Count > 0)
                    {
                        // A claimer that outlived its lease: its write must be refused if someone took over.
                        var stale = _held[op % _held.Count];
                        var result = await store.CompleteAsync(stale with { LeaseToken = Guid.NewGuid() }, "x", SyncOutcome.Updated, _now);
                        Assert.Null(result);
                    }

                    break;
            }
        }

        private async Task SettleAsync(SyncQueueWorkItem item, int op)
        {
            _held.Remove(item);
            var leaseLive = _now < item.LeaseExpiresAt;
            SyncQueueEntry? entry;
            switch (op % 4)
            {
                case 0:
                    entry = await store.FailAsync(item, Error("timeout", true), _now.AddSeconds(op % 60), _now);
                    break;
                case 1:
                    entry = await store.ParkAsync(item, Error("Bad Request", false), "bad", _now);
                    break;
                case 2:
                    entry = await store.ReleaseAsync(item, _now, _now);
                    break;
                default:
                    entry = await store.CompleteAsync(item, "asst-" + item.AgentKey, SyncOutcome.Updated, _now);
                    Accept(item, entry);
                    break;
            }

            if (leaseLive)
            {
                Assert.NotNull(entry); // nobody could have taken a live lease
            }

            if (entry is not null && entry.Version != item.Version)
            {
                Assert.Equal(SyncQueueState.Pending, entry.State); // the newer version is never dropped with the older
            }
        }

        private void Check(SyncQueueWorkItem item)
        {
            Assert.DoesNotContain(_held, h => h.AgentKey == item.AgentKey && h.LeaseExpiresAt > _now);
            Assert.Equal(_latest[item.AgentKey], item.Version);
            Assert.Equal(_latestName[item.AgentKey], item.Request!.Assistant.Name);
        }

        private void Accept(SyncQueueWorkItem item, SyncQueueEntry? entry)
        {
            if (entry is not null)
            {
                Assert.True(item.Version >= _lastAccepted.GetValueOrDefault(item.AgentKey), $"{item.AgentKey}: v{item.Version} accepted after a newer one");
                _lastAccepted[item.AgentKey] = item.Version;
            }
        }
    }
}
