using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Credentials.Internal;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// One sync, top to bottom: validate → normalize → credential → per-agent lock → state → account → plan/execute →
/// settle the account → write state. What to do is decided by <see cref="SyncPlanner"/> (pure, table-tested); how a
/// create stays single is <see cref="SafeCreate"/>'s job; which key may be used is <see cref="CredentialPolicy"/>'s and
/// what happens to an assistant left in another account is <see cref="AccountMove"/>'s; this class only runs the steps.
/// </summary>
internal sealed class VapiAssistantManager(
    AssistantGateway gateway,
    IVoiceNormalizer normalizer,
    ChainedCredentialProvider credentials,
    IAssistantStateStore store,
    IAssistantSyncLock syncLock,
    AssistantIndex index,
    SafeCreate safeCreate,
    CredentialPolicy policy,
    AccountMove accounts,
    IOptionsMonitor<VapiSyncOptions> options,
    SyncMetrics metrics,
    TimeProvider time,
    ILogger<VapiAssistantManager> logger) : IVapiAssistantManager
{
    private const int MaxSteps = 8;

    public async Task<AssistantSyncResult> EnsureAssistantAsync(AssistantSyncRequest request, CancellationToken cancellationToken = default)
    {
        SyncRequestValidator.Validate(request);
        var settings = options.CurrentValue;
        var voice = normalizer.Normalize(request.Assistant.Voice);
        var desired = DesiredAssistant.Build(request, voice, settings.SyncKeyMetadataName);
        if (request.DryRun)
        {
            return await DryRunAsync(request, voice, desired, settings, cancellationToken).ConfigureAwait(false);
        }

        if (voice.Changed)
        {
            Log.VoiceNormalized(logger, request.OrganizationId, request.AgentKey, voice.Original?.ToString(), voice.Result?.ToString(), voice.AppliedRule?.Reason ?? "settings dropped");
            metrics.RecordVoiceNormalization(voice.AppliedRule);
        }

        using var activity = VapiSyncTelemetry.StartSync(request.OrganizationId, request.AgentKey);
        var started = time.GetTimestamp();
        try
        {
            var resolution = await ResolveCredentialAsync(request.OrganizationId, cancellationToken).ConfigureAwait(false);
            VapiCredential credential;
            AccountSyncResult synced;
            // A fenced lease: its token goes with every state write, and losing it stops the sync with lease_lost.
            await using (var lease = await Guard(static s => s.Lock.AcquireLeaseAsync(s.OrganizationId, s.AgentKey, s.Token), (Lock: syncLock, request.OrganizationId, request.AgentKey, Token: cancellationToken), "take the agent's lock", cancellationToken).ConfigureAwait(false))
            // A lease that can never be lost (the in-process lock's) needs no linked token source.
            using (var leased = lease.Lost.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost) : null)
            try
            {
                var leaseToken = leased?.Token ?? cancellationToken;
                // A lock that is also the store may have read the state while taking the lease (one round trip, not two).
                var state = lease.TryGetPrefetchedState(store, out var prefetched)
                    ? prefetched
                    : await ReadStateAsync(request, leaseToken).ConfigureAwait(false);
                var (target, facts) = Prepare(request, desired, settings, resolution, state);
                credential = target.Credential;
                Settled done;
                try
                {
                    done = await ExecuteAsync(target, facts, dryRun: false, leaseToken).ConfigureAwait(false);
                }
                catch when (state is { NeedsLookup: false } && index.IsUncertain(credential, desired.SyncKey))
                {
                    await MarkNeedsLookupAsync(request, state, lease.FencingToken).ConfigureAwait(false);
                    throw;
                }

                // Settled in the credential's account: only now is an assistant left in the old account deleted (or recorded as an orphan).
                synced = await accounts.CompleteAsync(new AgentAccount(request.OrganizationId, request.AgentKey, desired.SyncKey), state, credential, done.Id!, done.Outcome, leaseToken).ConfigureAwait(false);
                if (AccountMove.NextState(state, synced, target.Hash, credential, time.GetUtcNow()) is { } newState)
                {
                    // Written and released in one statement where the lock is the store; else a fenced write, then the release.
                    if (!await Guard(static s => s.Lease.TrySetStateAndReleaseAsync(s.Store, s.State, s.Token), (Lease: lease, Store: store, State: newState, Token: leaseToken), "write the agent's state", leaseToken).ConfigureAwait(false))
                    {
                        await Guard(static s => s.Store.SetFencedAsync(s.Request.OrganizationId, s.Request.AgentKey, s.State, s.Fence, s.Token), (Store: store, Request: request, State: newState, Fence: lease.FencingToken, Token: leaseToken), "write the agent's state", leaseToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException ex) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw VapiSyncLeaseException.LeaseLost(request.OrganizationId, request.AgentKey, lease.FencingToken, ex);
            }

            Log.Synced(logger, request.OrganizationId, request.AgentKey, synced.AssistantId, synced.Outcome, credential.Source);
            metrics.RecordSync(synced.Outcome, time.GetElapsedTime(started));
            SyncTelemetry.Complete(activity, synced.Outcome, synced.AssistantId);
            return new AssistantSyncResult
            {
                AssistantId = synced.AssistantId, Outcome = synced.Outcome, Voice = voice, CredentialSource = credential.Source, Orphans = synced.Orphans,
            };
        }
        catch (Exception ex)
        {
            metrics.RecordSyncFailure(ex, time.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            Log.SyncFailed(logger, ex, request.OrganizationId, request.AgentKey);
            throw;
        }
    }

    /// <summary>
    /// A sync that stops before its first write: the same facts and the same planner, but where the sync would create the
    /// plan is a create, and where it would PATCH the assistant is read and compared. No lock is taken (nothing is written,
    /// so there is nothing to fence, and a plan must neither wait for nor hold up a real sync); no metric counts it as a sync.
    /// </summary>
    private async Task<AssistantSyncResult> DryRunAsync(AssistantSyncRequest request, VoiceNormalization voice, DesiredAssistant desired, VapiSyncOptions settings, CancellationToken cancellationToken)
    {
        using var activity = VapiSyncTelemetry.ActivitySource.StartActivity("vapisync plan");
        activity?.SetTag("vapisync.organization_id", request.OrganizationId);
        activity?.SetTag("vapisync.agent_key", request.AgentKey);
        try
        {
            var resolution = await ResolveCredentialAsync(request.OrganizationId, cancellationToken).ConfigureAwait(false);
            var state = await ReadStateAsync(request, cancellationToken).ConfigureAwait(false);
            var (target, facts) = Prepare(request, desired, settings, resolution, state);
            var plan = await ExecuteAsync(target, facts, dryRun: true, cancellationToken).ConfigureAwait(false);
            var differences = plan.Differences ?? [];
            DryRunLog.Planned(logger, request.OrganizationId, request.AgentKey, plan.Outcome, plan.Id ?? "(new)", differences.Count, target.Credential.Source);
            SyncTelemetry.Complete(activity, plan.Outcome, plan.Id ?? string.Empty);
            activity?.SetTag("vapisync.difference_count", differences.Count);
            return new AssistantSyncResult
            {
                AssistantId = plan.Id ?? string.Empty,
                Outcome = plan.Outcome,
                Voice = voice,
                CredentialSource = target.Credential.Source,
                Orphans = state?.Orphans ?? [],
                IsDryRun = true,
                Differences = differences,
            };
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            DryRunLog.Failed(logger, RedactedException.Of(ex), request.OrganizationId, request.AgentKey);
            throw;
        }
    }

    private ValueTask<AssistantState?> ReadStateAsync(AssistantSyncRequest request, CancellationToken cancellationToken) =>
        Guard(static s => s.Store.GetAsync(s.Request.OrganizationId, s.Request.AgentKey, s.Token), (Store: store, Request: request, Token: cancellationToken), "read the agent's state", cancellationToken);

    /// <summary>The credential and the planner's first facts, judged the same way for a sync and for its dry run.</summary>
    private (SyncTarget Target, SyncFacts Facts) Prepare(AssistantSyncRequest request, DesiredAssistant desired, VapiSyncOptions settings, CredentialResolution resolution, AssistantState? state)
    {
        // A failing key store is not a change of account: the key is judged against the recorded account.
        var credential = policy.Select(request.OrganizationId, resolution, state is not null || request.KnownAssistantId is not null, state?.AccountFingerprint);
        var target = new SyncTarget(request.OrganizationId, request.AgentKey, desired, credential, DefinitionHash.Compute(desired.Body, credential.Fingerprint));
        var uncertain = state?.NeedsLookup == true || index.IsUncertain(credential, desired.SyncKey);
        return (target, SyncFacts.Start(state, request, target.Hash, credential.Fingerprint, settings.SkipUnchanged, uncertain));
    }

    /// <summary>
    /// Asks the planner, runs its step, records what was seen, and asks again until the assistant is settled. A dry run
    /// walks the same loop on the same facts and differs only in the write steps: where the sync would POST, it returns
    /// the planned create with every field; where it would PATCH, it reads the assistant and returns the differences (a
    /// 404 there goes on like a PATCH's 404); duplicates the lookup finds are logged, not deleted.
    /// </summary>
    private async ValueTask<Settled> ExecuteAsync(SyncTarget target, SyncFacts facts, bool dryRun, CancellationToken cancellationToken)
    {
        for (var step = 0; step < MaxSteps; step++)
        {
            var decision = SyncPlanner.Decide(facts);
            switch (decision.Step)
            {
                case SyncStep.Skip:
                    return new Settled(decision.AssistantId!, SyncOutcome.Unchanged);
                case SyncStep.Move:
                    // No I/O: the old account's assistant is dealt with once the new one is settled (AccountMove.CompleteAsync).
                    facts = facts with { Moved = true };
                    break;
                case SyncStep.Lookup:
                    facts = await LookUpAsync(target, facts, dryRun, cancellationToken).ConfigureAwait(false);
                    break;
                case SyncStep.Create when dryRun:
                    return new Settled(null, decision.Outcome, FieldDiff.Compare(target.Desired.ToJsonObject(), new JsonObject()));
                case SyncStep.Create:
                    var (id, adopted) = await safeCreate.CreateAsync(target, cancellationToken).ConfigureAwait(false);
                    return new Settled(id, SyncPlanner.AfterCreate(decision.Outcome, adopted));
                default:
                    var patched = dryRun
                        ? await CompareAsync(target, decision, cancellationToken).ConfigureAwait(false)
                        : await PatchAsync(target, decision, cancellationToken).ConfigureAwait(false);
                    if (patched is { } settled)
                    {
                        return settled;
                    }

                    facts = facts.WithMissing(decision.AssistantId!);
                    break;
            }
        }

        throw new InvalidOperationException($"The {(dryRun ? "dry run" : "sync")} of agent {target.AgentKey} did not settle in {MaxSteps} steps.");
    }

    private async Task<SyncFacts> LookUpAsync(SyncTarget target, SyncFacts facts, bool dryRun, CancellationToken cancellationToken)
    {
        var found = await index.FindAllAsync(target.Credential, target.Desired.SyncKey, refresh: false, cancellationToken).ConfigureAwait(false);
        if (found.Count > 1 && dryRun)
        {
            DryRunLog.DuplicatesPlanned(logger, target.OrganizationId, target.AgentKey, found[0], found.Count - 1);
        }
        else if (found.Count > 1)
        {
            // Duplicates left by creates that could not converge: every side keeps the same winner.
            await safeCreate.DeleteLosersAsync(target, found.Skip(1), cancellationToken).ConfigureAwait(false);
        }

        return facts with { LookedUp = true, Found = found.Count > 0 ? found[0] : null };
    }

    /// <summary>PATCHes the planned assistant; <see langword="null"/> when Vapi answers 404 (deleted in the dashboard, or a stale id).</summary>
    private async Task<Settled?> PatchAsync(SyncTarget target, SyncDecision decision, CancellationToken cancellationToken)
    {
        try
        {
            await gateway.UpdateAsync(target.Credential, decision.AssistantId!, target.Desired, cancellationToken).ConfigureAwait(false);
            return new Settled(decision.AssistantId, decision.Outcome);
        }
        catch (Exception ex) when (FailureClassifier.Classify(ex, cancellationToken) == FailureKind.NotFound)
        {
            Log.AssistantMissing(logger, target.OrganizationId, target.AgentKey, decision.AssistantId!);
            index.ForgetMissing(target.Credential, target.Desired.SyncKey, decision.AssistantId!);
            return null;
        }
    }

    /// <summary>A dry run's PATCH: reads the assistant and compares; <see langword="null"/> on 404, with nothing recorded (the index is left as it is).</summary>
    private async Task<Settled?> CompareAsync(SyncTarget target, SyncDecision decision, CancellationToken cancellationToken)
    {
        if (await gateway.GetAsync(target.Credential, decision.AssistantId!, cancellationToken).ConfigureAwait(false) is { } remote)
        {
            return new Settled(decision.AssistantId, decision.Outcome, FieldDiff.Compare(target.Desired.ToJsonObject(), remote));
        }

        DryRunLog.AssistantMissing(logger, target.OrganizationId, target.AgentKey, decision.AssistantId!);
        return null;
    }

    public async Task<IReadOnlyList<AssistantSyncItemResult>> EnsureAssistantsAsync(
        IEnumerable<AssistantSyncRequest> requests, BulkSyncOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var items = requests.ToArray();
        var results = new AssistantSyncItemResult[items.Length];
        var parallelism = Math.Clamp(options?.MaxDegreeOfParallelism ?? 8, 1, 256);

        // A semaphore, not Parallel.ForEachAsync: an item whose create waits for its convergence listing gives its
        // place up (ParallelismSlot), so the bound counts items at work, not items waiting.
        using var places = new SemaphoreSlim(parallelism, parallelism);
        var running = new List<Task>(Math.Min(items.Length, 1024));
        var pruneAt = 1024;
        try
        {
            for (var i = 0; i < items.Length; i++)
            {
                await places.WaitAsync(cancellationToken).ConfigureAwait(false);
                running.Add(SyncItemAsync(items, results, i, new ParallelismSlot.Permit(places), cancellationToken));
                if (running.Count >= pruneAt)
                {
                    running.RemoveAll(t => t.IsCompleted);
                    pruneAt = Math.Max(1024, running.Count * 2);
                }
            }
        }
        finally
        {
            // Started items always finish (a cancelled one quickly) before the call returns or throws.
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return results;
    }

    private async Task SyncItemAsync(AssistantSyncRequest[] items, AssistantSyncItemResult[] results, int index, ParallelismSlot slot, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the loop goes on starting items while this one runs
        ParallelismSlot.Enter(slot);
        try
        {
            results[index] = await SyncItemAsync(items[index], cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The bulk call throws once every started item has ended.
        }
        finally
        {
            slot.Complete();
        }
    }

    private async Task<AssistantSyncItemResult> SyncItemAsync(AssistantSyncRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return new AssistantSyncItemResult { Request = request, Result = await EnsureAssistantAsync(request, cancellationToken).ConfigureAwait(false) };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new AssistantSyncItemResult { Request = request, Error = ex };
        }
    }

    public async Task<bool> DeleteAssistantAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        SyncRequestValidator.ValidateIds(organizationId, agentKey);
        var resolved = (await ResolveCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false)).Credential!;
        var syncKey = SyncKey.For(organizationId, agentKey);
        await using (var lease = await Guard(() => syncLock.AcquireLeaseAsync(organizationId, agentKey, cancellationToken), "take the agent's lock", cancellationToken).ConfigureAwait(false))
        {
            var state = lease.TryGetPrefetchedState(store, out var prefetched)
                ? prefetched
                : await Guard(() => store.GetAsync(organizationId, agentKey, cancellationToken), "read the agent's state", cancellationToken).ConfigureAwait(false);

            // Deleted in the account the assistant is recorded in, with that account's key.
            var credential = await accounts.KeyOfRecordedAccountAsync(organizationId, state, resolved, cancellationToken).ConfigureAwait(false);
            var assistantId = state?.AssistantId ?? await index.FindAsync(credential, syncKey, refresh: false, cancellationToken).ConfigureAwait(false);
            var deleted = assistantId is not null
                && await gateway.DeleteAsync(credential, assistantId, cancellationToken).ConfigureAwait(false);
            if (assistantId is not null)
            {
                index.Forget(credential, syncKey, assistantId);
            }

            // Orphans are deleted too, or logged: the state that remembers them goes.
            await accounts.AbandonOrphansAsync(new AgentAccount(organizationId, agentKey, syncKey), state?.Orphans, cancellationToken).ConfigureAwait(false);
            await Guard(async () => { await store.RemoveFencedAsync(organizationId, agentKey, lease.FencingToken, cancellationToken).ConfigureAwait(false); }, "remove the agent's state", cancellationToken).ConfigureAwait(false);
            Log.Deleted(logger, organizationId, agentKey, assistantId, deleted);
            return deleted;
        }
    }

    /// <summary>
    /// The uncertainty of a failed create outlives this process: the stored state is flagged so the next sync of any
    /// instance sharing the store lists before trusting its id. Best effort (the caller may have cancelled; the store may be down).
    /// </summary>
    private async Task MarkNeedsLookupAsync(AssistantSyncRequest request, AssistantState state, long fencingToken)
    {
        try
        {
            await store.SetFencedAsync(request.OrganizationId, request.AgentKey, state with { NeedsLookup = true }, fencingToken, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.NeedsLookupNotStored(logger, ex.GetType().Name, request.OrganizationId, request.AgentKey);
        }
    }

    /// <summary>A store or lock is the host's code: whatever it throws (even synchronously) surfaces as the library's own typed failure.</summary>
    private static ValueTask<T> Guard<T>(Func<ValueTask<T>> call, string what, CancellationToken cancellationToken) =>
        Guard(static call => call(), call, what, cancellationToken);

    /// <summary>
    /// <see cref="Guard{T}(Func{ValueTask{T}}, string, CancellationToken)"/> for the per-sync calls: a static lambda and its
    /// arguments instead of a closure, so a call that completes synchronously (the in-process lock, the in-memory store)
    /// allocates nothing here.
    /// </summary>
    private static async ValueTask<T> Guard<TState, T>(Func<TState, ValueTask<T>> call, TState state, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call(state).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not VapiSyncException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new VapiStateStoreException($"Could not {what} ({ex.GetType().Name}).", ex);
        }
    }

    private static ValueTask Guard(Func<ValueTask> call, string what, CancellationToken cancellationToken) =>
        Guard(static call => call(), call, what, cancellationToken);

    private static async ValueTask Guard<TState>(Func<TState, ValueTask> call, TState state, string what, CancellationToken cancellationToken)
    {
        try
        {
            await call(state).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not VapiSyncException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new VapiStateStoreException($"Could not {what} ({ex.GetType().Name}).", ex);
        }
    }

    /// <summary>Outside the lock: which key the organization has now, and whether a provider failed on the way (judged by <see cref="CredentialPolicy"/> under the lock).</summary>
    private async ValueTask<CredentialResolution> ResolveCredentialAsync(string organizationId, CancellationToken cancellationToken)
    {
        using var activity = VapiSyncTelemetry.ActivitySource.StartActivity("vapisync credential");
        var resolution = await credentials.ResolveAsync(organizationId, cancellationToken).ConfigureAwait(false);
        var credential = resolution.Credential ?? throw new VapiCredentialNotFoundException(organizationId, resolution.Attempts);
        activity?.SetTag("vapisync.credential.source", credential.Source);
        return resolution;
    }

    /// <summary>Where the step loop ended: the assistant (<see langword="null"/> for a dry run's planned create), the outcome, and a dry run's differences.</summary>
    private readonly record struct Settled(string? Id, SyncOutcome Outcome, IReadOnlyList<Fleet.FleetFieldDifference>? Differences = null);
}
