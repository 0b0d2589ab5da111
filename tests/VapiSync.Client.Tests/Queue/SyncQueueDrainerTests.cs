using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Http;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Tests.Queue;

public sealed class SyncQueueDrainerTests
{
    [Fact]
    public async Task Enqueue_IsAppliedAndReportedToObserversAndReaders()
    {
        await using var h = new QueueHarness();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(QueueHarness.Result("asst-1"));
        await h.StartAsync();
        await using var reader = h.Queue.ReadCompletionsAsync(QueueHarness.Deadline()).GetAsyncEnumerator();
        var read = reader.MoveNextAsync();

        var queued = await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));

        Assert.Equal(SyncQueueState.Pending, queued.State);
        var completion = await h.Observer.Completions.Reader.ReadAsync(QueueHarness.Deadline());
        Assert.Equal((SyncQueueState.Synced, "asst-1", SyncOutcome.Created, 1L), (completion.State, completion.AssistantId, completion.Outcome!.Value, completion.Version));
        Assert.True(await read);
        Assert.Equal(completion, reader.Current);
        Assert.Equal("complete", (await h.NextSettledAsync()).Kind);
        var entry = await h.Queue.GetAsync("org-1", "agent-1");
        Assert.Equal((SyncQueueState.Synced, "asst-1"), (entry!.State, entry.AssistantId));
    }

    [Fact]
    public async Task Enqueue_RepeatedSavesBeforeTheDrain_ApplyOnlyTheLatest()
    {
        await using var h = new QueueHarness();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(QueueHarness.Result("asst-1"));
        for (var i = 1; i <= 5; i++)
        {
            await h.Queue.EnqueueAsync(QueueHarness.Save("v" + i));
        }

        await h.StartAsync();
        await h.NextSettledAsync();

        var call = Assert.Single(h.Manager.ReceivedCalls());
        Assert.Equal("v5", ((AssistantSyncRequest)call.GetArguments()[0]!).Assistant.Name);
    }

    [Fact]
    public async Task Enqueue_WhileAnOlderSaveIsInFlight_IsAppliedAfterItNeverLost()
    {
        await using var h = new QueueHarness();
        var firstCall = new TaskCompletionSource();
        var release = new TaskCompletionSource<AssistantSyncResult>();
        var applied = new List<string>();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var name = call.Arg<AssistantSyncRequest>().Assistant.Name!;
            lock (applied)
            {
                applied.Add(name);
            }

            if (name == "v1")
            {
                firstCall.SetResult();
                return release.Task;
            }

            return Task.FromResult(QueueHarness.Result("asst-1", SyncOutcome.Updated));
        });
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await firstCall.Task.WaitAsync(QueueHarness.Deadline());

        await h.Queue.EnqueueAsync(QueueHarness.Save("v2"));
        release.SetResult(QueueHarness.Result("asst-1"));

        var (_, afterOlder) = await h.NextSettledAsync();
        Assert.Equal((SyncQueueState.Pending, 2L), (afterOlder!.State, afterOlder.Version)); // the older completion did not mark the newer synced
        var (_, afterNewer) = await h.NextSettledAsync();
        Assert.Equal((SyncQueueState.Synced, 2L), (afterNewer!.State, afterNewer.Version));
        Assert.Equal(["v1", "v2"], applied);
    }

    [Fact]
    public async Task PermanentFailure_IsParkedWithItsReasonAndNotRetried()
    {
        await using var h = new QueueHarness();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new VapiApiException(System.Net.HttpStatusCode.BadRequest, ["name must be shorter"], "Bad Request", "POST /assistant"));
        await h.StartAsync();

        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));

        var (kind, entry) = await h.NextSettledAsync();
        Assert.Equal(("park", SyncQueueState.Parked, 1), (kind, entry!.State, entry.Attempts));
        Assert.Contains("400", entry.ParkedReason, StringComparison.Ordinal);
        Assert.Equal(("Bad Request", System.Net.HttpStatusCode.BadRequest, false), (entry.LastError!.ErrorCode, entry.LastError.StatusCode, entry.LastError.IsTransient));
        var completion = await h.Observer.Completions.Reader.ReadAsync(QueueHarness.Deadline());
        Assert.Equal(SyncQueueState.Parked, completion.State);

        // Much later, after many polls, it was still tried once.
        await h.AdvanceThroughPollsAsync(6, TimeSpan.FromMinutes(10));
        Assert.Single(h.Manager.ReceivedCalls());
        Assert.Equal(1L, (await h.Queue.GetStatisticsAsync()).Parked);
    }

    [Fact]
    public async Task RetryOfAParkedItem_AppliesItAgain()
    {
        await using var h = new QueueHarness();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new VapiValidationException(["Assistant.Name: too long"]), _ => Task.FromResult(QueueHarness.Result("asst-1")));
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        Assert.Equal("park", (await h.NextSettledAsync()).Kind);

        Assert.True(await h.Queue.RetryAsync("org-1", "agent-1"));

        var (kind, entry) = await h.NextSettledAsync();
        Assert.Equal(("complete", SyncQueueState.Synced, 0), (kind, entry!.State, entry.Attempts));
    }

    [Fact]
    public async Task TransientFailure_BacksOffWithJitterThenSucceeds()
    {
        await using var h = new QueueHarness();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new VapiApiException(System.Net.HttpStatusCode.ServiceUnavailable, ["down"]), _ => Task.FromResult(QueueHarness.Result("asst-1")));
        await h.StartAsync();
        var start = h.Time.GetUtcNow();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));

        var (kind, failing) = await h.NextSettledAsync();

        Assert.Equal(("fail", SyncQueueState.Failing, 1), (kind, failing!.State, failing.Attempts));
        Assert.InRange(failing.NextAttemptAt!.Value - start, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)); // 2 s with equal jitter
        var (_, synced) = await h.AdvanceUntilSettledAsync(TimeSpan.FromSeconds(2));
        Assert.Equal((SyncQueueState.Synced, "asst-1"), (synced!.State, synced.AssistantId));
    }

    [Fact]
    public async Task OpenBreaker_ClaimsNothingAndUsesNoAttempt()
    {
        await using var h = new QueueHarness();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(QueueHarness.Result("asst-1"));
        h.Availability.Break();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await h.StartAsync();

        await h.Availability.Waiting.Reader.ReadAsync(QueueHarness.Deadline());

        Assert.Empty(h.Manager.ReceivedCalls());
        var waiting = await h.Queue.GetAsync("org-1", "agent-1");
        Assert.Equal((SyncQueueState.Pending, 0), (waiting!.State, waiting.Attempts));
        h.Availability.Recover();
        Assert.Equal(SyncQueueState.Synced, (await h.NextSettledAsync()).Entry!.State);
    }

    [Fact]
    public async Task CircuitOpenFailure_IsDeferredWithoutUsingAnAttempt()
    {
        await using var h = new QueueHarness(o => o.BreakerCheckInterval = TimeSpan.FromSeconds(3));
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new VapiApiException(0, ["open"], VapiErrorCodes.CircuitOpen), _ => Task.FromResult(QueueHarness.Result("asst-1")));
        await h.StartAsync();
        var start = h.Time.GetUtcNow();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));

        var (kind, deferred) = await h.NextSettledAsync();

        Assert.Equal(("release", SyncQueueState.Pending, 0, start.AddSeconds(3)), (kind, deferred!.State, deferred.Attempts, deferred.NextAttemptAt!.Value));
        Assert.Equal(SyncQueueState.Synced, (await h.AdvanceUntilSettledAsync(TimeSpan.FromSeconds(3))).Entry!.State);
    }

    [Fact]
    public async Task PausedAccount_ReleasesTheItemUntilThePauseEndsWithoutCallingVapi()
    {
        await using var h = new QueueHarness();
        h.Availability.Account = TimeSpan.FromSeconds(30);
        await h.StartAsync();
        var start = h.Time.GetUtcNow();

        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));

        var (kind, entry) = await h.NextSettledAsync();
        Assert.Equal(("release", 0, start.AddSeconds(30)), (kind, entry!.Attempts, entry.NextAttemptAt!.Value));
        Assert.Empty(h.Manager.ReceivedCalls());
    }

    [Fact]
    public async Task EnqueueDelete_DeletesTheAssistantAndWinsOverTheOlderSave()
    {
        await using var h = new QueueHarness();
        h.Manager.DeleteAssistantAsync("org-1", "agent-1", Arg.Any<CancellationToken>()).Returns(true);
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await h.Queue.EnqueueDeleteAsync("org-1", "agent-1");
        await h.StartAsync();

        var completion = await h.Observer.Completions.Reader.ReadAsync(QueueHarness.Deadline());

        Assert.Equal((SyncQueueOperation.Delete, true, (string?)null), (completion.Operation, completion.Deleted!.Value, completion.AssistantId));
        await h.Manager.DidNotReceiveWithAnyArgs().EnsureAssistantAsync(default!, default);
    }

    [Fact]
    public async Task Shutdown_PastTheHostTimeout_ReleasesTheInFlightItemWithoutUsingAnAttempt()
    {
        await using var h = new QueueHarness();
        var started = new TaskCompletionSource();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, call.Arg<CancellationToken>());
            return QueueHarness.Result("never");
        });
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await started.Task.WaitAsync(QueueHarness.Deadline());

        await h.StopAsync(new CancellationToken(canceled: true));

        var (kind, entry) = await h.NextSettledAsync();
        Assert.Equal(("release", SyncQueueState.Pending, 0), (kind, entry!.State, entry.Attempts));
    }

    [Fact]
    public async Task Shutdown_WithinTheHostTimeout_LetsTheInFlightItemFinish()
    {
        await using var h = new QueueHarness();
        var started = new TaskCompletionSource();
        var finish = new TaskCompletionSource<AssistantSyncResult>();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            started.SetResult();
            return finish.Task;
        });
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await started.Task.WaitAsync(QueueHarness.Deadline());

        var stopping = h.StopAsync(QueueHarness.Deadline());
        Assert.False(stopping.IsCompleted);
        finish.SetResult(QueueHarness.Result("asst-1"));
        await stopping;

        Assert.Equal(SyncQueueState.Synced, (await h.Queue.GetAsync("org-1", "agent-1"))!.State);
    }

    [Fact]
    public async Task ParallelItems_NeverExceedTheBound()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 3);
        var running = 0;
        var peak = 0;
        var gate = new TaskCompletionSource();
        var entered = new SemaphoreSlim(0);
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            entered.Release();
            await gate.Task;
            Interlocked.Decrement(ref running);
            return QueueHarness.Result("asst");
        });
        for (var i = 0; i < 10; i++)
        {
            await h.Queue.EnqueueAsync(QueueHarness.Save("v1", agent: "agent-" + i));
        }

        await h.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await entered.WaitAsync(QueueHarness.Deadline());
        }

        var stats = await h.Queue.GetStatisticsAsync();
        Assert.Equal((6L, 4L), (stats.Processing, stats.Pending)); // three running, three claimed ahead for the next free worker
        Assert.Equal(3, Volatile.Read(ref running));
        gate.SetResult();
        for (var i = 0; i < 10; i++)
        {
            await h.NextSettledAsync();
        }

        Assert.Equal(3, peak);
        Assert.Equal(10L, (await h.Queue.GetStatisticsAsync()).Synced);
    }

    [Fact]
    public async Task Enqueue_InvalidDefinition_ThrowsBeforeAnythingIsStored()
    {
        await using var h = new QueueHarness();

        await Assert.ThrowsAsync<VapiValidationException>(async () => await h.Queue.EnqueueAsync(QueueHarness.Save(new string('x', 41))));
        await Assert.ThrowsAsync<ArgumentException>(async () => await h.Queue.EnqueueDeleteAsync(" ", "agent-1"));

        Assert.Null(await h.Queue.GetAsync("org-1", "agent-1"));
    }

    [Fact]
    public async Task Enqueue_DryRun_RefusedSoThePendingSaveIsNotReplacedByAPlan()
    {
        await using var h = new QueueHarness();
        var pending = await h.Queue.EnqueueAsync(QueueHarness.Save("Pending"));

        var refused = await Assert.ThrowsAsync<ArgumentException>(async () => await h.Queue.EnqueueAsync(QueueHarness.Save("Planned") with { DryRun = true }));

        Assert.Equal("request", refused.ParamName);
        Assert.Equal(pending, await h.Queue.GetAsync("org-1", "agent-1"));
    }

    [Fact]
    public async Task Discard_DropsAParkedItem()
    {
        await using var h = new QueueHarness();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(new VapiValidationException(["bad"]));
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await h.NextSettledAsync();

        Assert.True(await h.Queue.DiscardAsync("org-1", "agent-1"));

        Assert.Null(await h.Queue.GetAsync("org-1", "agent-1"));
    }

    [Fact]
    public async Task Completions_AreCountedByResult()
    {
        await using var h = new QueueHarness();
        using var completions = new MetricCollector<long>(h.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), VapiSyncTelemetry.Name, "vapisync.queue.completions");
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>())
            .Returns(_ => throw new VapiApiException(System.Net.HttpStatusCode.BadGateway, ["down"]), _ => Task.FromResult(QueueHarness.Result("asst-1")));
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await h.NextSettledAsync();
        await h.AdvanceUntilSettledAsync(TimeSpan.FromSeconds(2));
        await completions.WaitForMeasurementsAsync(2, QueueHarness.Deadline()); // counted just after the store write

        // Counted after the write returns: the retry (woken by the poll) may land before the failure is counted, so no order.
        Assert.Equal(["failed", "synced"], completions.GetMeasurementSnapshot().Select(m => (string)m.Tags["vapisync.queue.result"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Options_BackoffThatStartsAboveItsCap_FailsAtStart()
    {
        await using var h = new QueueHarness(o => (o.InitialBackoff, o.MaxBackoff) = (TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)));

        var error = Assert.Throws<OptionsValidationException>(() => h.Services.GetRequiredService<IOptions<SyncQueueOptions>>().Value);

        Assert.Contains("InitialBackoff", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_ReleasesTheItemsClaimedAheadWithoutStartingThem()
    {
        await using var h = new QueueHarness(o => o.MaxDegreeOfParallelism = 1);
        var calls = 0;
        var entered = new TaskCompletionSource();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            Interlocked.Increment(ref calls);
            entered.TrySetResult();
            return new TaskCompletionSource<AssistantSyncResult>().Task.WaitAsync(call.Arg<CancellationToken>());
        });
        await h.Queue.EnqueueAsync(QueueHarness.Save("a1", agent: "a"));
        await h.Queue.EnqueueAsync(QueueHarness.Save("b1", agent: "b"));
        await h.StartAsync();
        await entered.Task.WaitAsync(QueueHarness.Deadline());
        Assert.Equal(2L, (await h.Queue.GetStatisticsAsync()).Processing); // one running, one claimed ahead

        await h.StopAsync(new CancellationToken(canceled: true));

        Assert.Equal(1, Volatile.Read(ref calls));
        foreach (var agent in new[] { "a", "b" })
        {
            var entry = await h.Queue.GetAsync("org-1", agent);
            Assert.Equal((SyncQueueState.Pending, 0), (entry!.State, entry.Attempts));
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    [Fact]
    public async Task LeaseExpiresMidSync_TheSecondClaimLands_ObserversHearOfTheSaveOnce()
    {
        await using var h = new QueueHarness(o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        h.Store.RenewOverride = _ => throw new VapiSyncQueueStoreException("renewals fail", isTransient: true); // the claim cannot be kept
        var firstCall = new TaskCompletionSource();
        var release = new TaskCompletionSource<AssistantSyncResult>();
        var calls = 0;
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstCall.SetResult();
                return release.Task; // a sync slower than the lease, deaf to cancellation
            }

            return Task.FromResult(QueueHarness.Result("asst-1"));
        });
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await firstCall.Task.WaitAsync(QueueHarness.Deadline());

        // The lease runs out while the first sync hangs: the item is claimed again and lands.
        await h.Probe.WaitIdleAsync(QueueHarness.Deadline());
        h.Time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var landed = await h.NextSettledAsync();
        Assert.Equal(("complete", SyncQueueState.Synced), (landed.Kind, landed.Entry?.State));

        // The first sync then returns; its lease is gone, so its write is refused and it must not report a second landing.
        release.SetResult(QueueHarness.Result("asst-1"));
        var stale = await h.NextSettledAsync();
        Assert.Equal(("complete", (SyncQueueEntry?)null), stale);
        await h.StopAsync(QueueHarness.Deadline()); // every in-flight item has finished, notifications included

        var heard = new List<SyncQueueCompletion>();
        while (h.Observer.Completions.Reader.TryRead(out var completion))
        {
            heard.Add(completion);
        }

        Assert.Single(heard);
    }

    [Fact]
    public async Task SyncSlowerThanItsLease_RenewsTheClaim_CompletesOnceAndIsNeverClaimedAgain()
    {
        await using var h = new QueueHarness(o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        var firstCall = new TaskCompletionSource();
        var release = new TaskCompletionSource<AssistantSyncResult>();
        var calls = 0;
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            Interlocked.Increment(ref calls);
            firstCall.TrySetResult();
            return release.Task.WaitAsync(call.Arg<CancellationToken>());
        });
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await firstCall.Task.WaitAsync(QueueHarness.Deadline());

        // Three whole leases pass, one renewal interval (a third) at a time; every renewal lands and the drainer's polls claim nothing.
        for (var i = 1; i <= 9; i++)
        {
            await h.Probe.WaitRenewalArmedAsync(QueueHarness.Deadline());
            h.Time.Advance(TimeSpan.FromSeconds(20));
            Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromMinutes(1), await h.Store.Renewals.Reader.ReadAsync(QueueHarness.Deadline()));
        }

        release.SetResult(QueueHarness.Result("asst-1"));
        var settled = await h.NextSettledAsync();
        Assert.Equal(("complete", SyncQueueState.Synced, "asst-1"), (settled.Kind, settled.Entry?.State, settled.Entry?.AssistantId));
        await h.StopAsync(QueueHarness.Deadline());

        Assert.Equal(1, Volatile.Read(ref calls));
        Assert.False(h.Store.Settled.Reader.TryRead(out _));
        Assert.True(h.Observer.Completions.Reader.TryRead(out _));
        Assert.False(h.Observer.Completions.Reader.TryRead(out _));
    }

    [Fact]
    public async Task ClaimTakenWhileSyncing_CancelsTheSync_AndWritesNothing()
    {
        await using var h = new QueueHarness(o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        var syncToken = new TaskCompletionSource<CancellationToken>();
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var token = call.Arg<CancellationToken>();
            syncToken.TrySetResult(token);
            return new TaskCompletionSource<AssistantSyncResult>().Task.WaitAsync(token); // a hung Vapi call that honours cancellation
        });
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        var token = await syncToken.Task.WaitAsync(QueueHarness.Deadline());
        h.Store.RenewOverride = _ => ValueTask.FromResult<SyncQueueWorkItem?>(null); // another drainer holds the claim now

        await h.Probe.WaitRenewalArmedAsync(QueueHarness.Deadline());
        h.Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Null(await h.Store.Renewals.Reader.ReadAsync(QueueHarness.Deadline()));
        var cancelled = new TaskCompletionSource();
        using (token.Register(() => cancelled.TrySetResult()))
        {
            await cancelled.Task.WaitAsync(QueueHarness.Deadline()); // the sync is told to stop at once, long before the lease's end
        }

        await h.StopAsync(QueueHarness.Deadline());
        Assert.False(h.Store.Settled.Reader.TryRead(out _)); // no complete, fail, park or release under the lost claim
        Assert.False(h.Observer.Completions.Reader.TryRead(out _));
        Assert.Contains(h.Logs.Collector.GetSnapshot(), r => r.Id.Id == 7010);
    }

    [Fact]
    public async Task ClaimThatCannotBeRenewed_IsCancelledAndReleasedBeforeTheLeaseEnds_WithoutUsingAnAttempt()
    {
        await using var h = new QueueHarness(o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        h.Store.RenewOverride = _ => throw new VapiSyncQueueStoreException("renewals fail", isTransient: true);
        var firstCall = new TaskCompletionSource();
        var never = new TaskCompletionSource<AssistantSyncResult>();
        var (inFlight, mostAtOnce) = (0, 0);
        h.Manager.EnsureAssistantAsync(Arg.Any<AssistantSyncRequest>(), Arg.Any<CancellationToken>()).Returns(async call =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostAtOnce, now);
            firstCall.TrySetResult();
            try
            {
                return await never.Task.WaitAsync(call.Arg<CancellationToken>()); // a hung Vapi call that honours cancellation
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        });
        await h.StartAsync();
        await h.Queue.EnqueueAsync(QueueHarness.Save("v1"));
        await firstCall.Task.WaitAsync(QueueHarness.Deadline());

        for (var i = 0; i < 2; i++)
        {
            await h.Probe.WaitRenewalArmedAsync(QueueHarness.Deadline());
            h.Time.Advance(TimeSpan.FromSeconds(20));
            Assert.Null(await h.Store.Renewals.Reader.ReadAsync(QueueHarness.Deadline())); // failed, tried again while the claim holds
        }

        h.Time.Advance(TimeSpan.FromSeconds(14)); // within the lease, past its margin

        var settled = await h.NextSettledAsync();
        Assert.Equal(("release", SyncQueueState.Pending, 0), (settled.Kind, settled.Entry?.State, settled.Entry?.Attempts));
        await h.StopAsync(new CancellationToken(canceled: true)); // the item is claimed again after its release, never while the first sync ran
        Assert.Equal(1, Volatile.Read(ref mostAtOnce));
        Assert.Contains(h.Logs.Collector.GetSnapshot(), r => r.Id.Id == 7012);
    }
}
