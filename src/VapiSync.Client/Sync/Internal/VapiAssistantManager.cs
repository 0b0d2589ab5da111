using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// One sync, top to bottom: validate → normalize → credential → per-agent lock → state → plan/execute → write state.
/// What to do is decided by <see cref="SyncPlanner"/> (pure, table-tested); how a create stays single is
/// <see cref="SafeCreate"/>'s job; this class only runs the steps.
/// </summary>
internal sealed class VapiAssistantManager(
    AssistantGateway gateway,
    IVoiceNormalizer normalizer,
    ChainedCredentialProvider credentials,
    IAssistantStateStore store,
    IAssistantSyncLock syncLock,
    AssistantIndex index,
    SafeCreate safeCreate,
    IAccountMover mover,
    IOptionsMonitor<VapiSyncOptions> options,
    VapiSyncMetrics metrics,
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
        if (voice.Changed)
        {
            Log.VoiceNormalized(logger, request.OrganizationId, request.AgentKey, voice.Original?.ToString(), voice.Result?.ToString(), voice.AppliedRule?.Reason ?? "settings dropped");
            metrics.RecordVoiceNormalization(voice.AppliedRule);
        }

        using var activity = VapiSyncTelemetry.StartSync(request.OrganizationId, request.AgentKey);
        var started = time.GetTimestamp();
        try
        {
            var credential = await ResolveCredentialAsync(request.OrganizationId, cancellationToken).ConfigureAwait(false);
            var target = new SyncTarget(request.OrganizationId, request.AgentKey, desired, credential, DefinitionHash.Compute(desired.Body, credential.Fingerprint));
            (string Id, SyncOutcome Outcome) done;
            await using (await Guard(() => syncLock.AcquireAsync(request.OrganizationId, request.AgentKey, cancellationToken), "take the agent's lock", cancellationToken).ConfigureAwait(false))
            {
                var state = await Guard(() => store.GetAsync(request.OrganizationId, request.AgentKey, cancellationToken), "read the agent's state", cancellationToken).ConfigureAwait(false);
                var uncertain = state?.NeedsLookup == true || index.IsUncertain(credential, desired.SyncKey);
                var facts = SyncFacts.Start(state, request, target.Hash, credential.Fingerprint, settings.SkipUnchanged, uncertain);
                IReadOnlyList<OrphanedAssistant>? orphans;
                try
                {
                    (done, orphans) = await ExecuteAsync(target, facts, cancellationToken).ConfigureAwait(false);
                }
                catch when (state is { NeedsLookup: false } && index.IsUncertain(credential, desired.SyncKey))
                {
                    await MarkNeedsLookupAsync(request, state).ConfigureAwait(false);
                    throw;
                }

                if (done.Outcome != SyncOutcome.Unchanged || state?.AccountFingerprint is null)
                {
                    var newState = new AssistantState(done.Id, target.Hash, time.GetUtcNow())
                    {
                        AccountFingerprint = credential.Fingerprint,
                        LastOutcome = done.Outcome,
                        Orphans = orphans ?? state?.Orphans ?? [],
                    };
                    await Guard(() => store.SetAsync(request.OrganizationId, request.AgentKey, newState, cancellationToken), "write the agent's state", cancellationToken).ConfigureAwait(false);
                }
            }

            Log.Synced(logger, request.OrganizationId, request.AgentKey, done.Id, done.Outcome, credential.Source);
            metrics.RecordSync(done.Outcome, time.GetElapsedTime(started));
            VapiSyncTelemetry.Complete(activity, done.Outcome, done.Id);
            return new AssistantSyncResult { AssistantId = done.Id, Outcome = done.Outcome, Voice = voice, CredentialSource = credential.Source };
        }
        catch (Exception ex)
        {
            metrics.RecordSyncFailure(ex, time.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            Log.SyncFailed(logger, ex, request.OrganizationId, request.AgentKey);
            throw;
        }
    }

    /// <summary>Asks the planner, runs its step, records what was seen, and asks again until the assistant is settled.</summary>
    private async Task<((string Id, SyncOutcome Outcome) Done, IReadOnlyList<OrphanedAssistant>? Orphans)> ExecuteAsync(
        SyncTarget target, SyncFacts facts, CancellationToken cancellationToken)
    {
        IReadOnlyList<OrphanedAssistant>? orphans = null;
        for (var step = 0; step < MaxSteps; step++)
        {
            var decision = SyncPlanner.Decide(facts);
            switch (decision.Step)
            {
                case SyncStep.Skip:
                    return ((decision.AssistantId!, SyncOutcome.Unchanged), orphans);
                case SyncStep.Move:
                    orphans = await mover.LeaveOldAccountAsync(target.OrganizationId, target.AgentKey, facts.State!, target.Credential, cancellationToken).ConfigureAwait(false);
                    facts = facts with { Moved = true };
                    break;
                case SyncStep.Lookup:
                    var found = await index.FindAllAsync(target.Credential, target.Desired.SyncKey, refresh: false, cancellationToken).ConfigureAwait(false);
                    if (found.Count > 1)
                    {
                        // Duplicates left by creates that could not converge: every side keeps the same winner.
                        await safeCreate.DeleteLosersAsync(target, found.Skip(1), cancellationToken).ConfigureAwait(false);
                    }

                    facts = facts with { LookedUp = true, Found = found.Count > 0 ? found[0] : null };
                    break;
                case SyncStep.Create:
                    var (id, adopted) = await safeCreate.CreateAsync(target, cancellationToken).ConfigureAwait(false);
                    return ((id, SyncPlanner.AfterCreate(decision.Outcome, adopted)), orphans);
                default:
                    try
                    {
                        await gateway.UpdateAsync(target.Credential, decision.AssistantId!, target.Desired, cancellationToken).ConfigureAwait(false);
                        return ((decision.AssistantId!, decision.Outcome), orphans);
                    }
                    catch (Exception ex) when (FailureClassifier.Classify(ex, cancellationToken) == FailureKind.NotFound)
                    {
                        Log.AssistantMissing(logger, target.OrganizationId, target.AgentKey, decision.AssistantId!);
                        index.Forget(target.Credential, target.Desired.SyncKey, decision.AssistantId!);
                        facts = facts.WithMissing(decision.AssistantId!);
                    }

                    break;
            }
        }

        throw new InvalidOperationException($"The sync of agent {target.AgentKey} did not settle in {MaxSteps} steps.");
    }

    public async Task<IReadOnlyList<AssistantSyncItemResult>> EnsureAssistantsAsync(
        IEnumerable<AssistantSyncRequest> requests, BulkSyncOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var items = requests.ToArray();
        var results = new AssistantSyncItemResult[items.Length];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = Math.Clamp(options?.MaxDegreeOfParallelism ?? 8, 1, 256),
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Length), parallel, async (i, ct) =>
        {
            try
            {
                results[i] = new AssistantSyncItemResult { Request = items[i], Result = await EnsureAssistantAsync(items[i], ct).ConfigureAwait(false) };
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                results[i] = new AssistantSyncItemResult { Request = items[i], Error = ex };
            }
        }).ConfigureAwait(false);
        return results;
    }

    public async Task<bool> DeleteAssistantAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        SyncRequestValidator.ValidateIds(organizationId, agentKey);
        var credential = await ResolveCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false);
        var syncKey = SyncKey.For(organizationId, agentKey);
        await using (await syncLock.AcquireAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false))
        {
            var state = await store.GetAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false);
            var assistantId = state?.AssistantId ?? await index.FindAsync(credential, syncKey, refresh: false, cancellationToken).ConfigureAwait(false);
            var deleted = assistantId is not null
                && await gateway.DeleteAsync(credential, assistantId, cancellationToken).ConfigureAwait(false);
            if (assistantId is not null)
            {
                index.Forget(credential, syncKey, assistantId);
            }

            await store.RemoveAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false);
            Log.Deleted(logger, organizationId, agentKey, assistantId, deleted);
            return deleted;
        }
    }

    /// <summary>
    /// The uncertainty of a failed create outlives this process: the stored state is flagged so the next sync of any
    /// instance sharing the store lists before trusting its id. Best effort (the caller may have cancelled; the store may be down).
    /// </summary>
    private async Task MarkNeedsLookupAsync(AssistantSyncRequest request, AssistantState state)
    {
        try
        {
            await store.SetAsync(request.OrganizationId, request.AgentKey, state with { NeedsLookup = true }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.NeedsLookupNotStored(logger, ex.GetType().Name, request.OrganizationId, request.AgentKey);
        }
    }

    /// <summary>A store or lock is the host's code: whatever it throws (even synchronously) surfaces as the library's own typed failure.</summary>
    private static async ValueTask<T> Guard<T>(Func<ValueTask<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not VapiSyncException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new VapiStateStoreException($"Could not {what} ({ex.GetType().Name}).", ex);
        }
    }

    private static async ValueTask Guard(Func<ValueTask> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not VapiSyncException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new VapiStateStoreException($"Could not {what} ({ex.GetType().Name}).", ex);
        }
    }

    private async ValueTask<VapiCredential> ResolveCredentialAsync(string organizationId, CancellationToken cancellationToken)
    {
        using var activity = VapiSyncTelemetry.ActivitySource.StartActivity("vapisync credential");
        var credential = await credentials.GetRequiredCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("vapisync.credential.source", credential.Source);
        return credential;
    }
}
