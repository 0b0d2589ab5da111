using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>
/// Audit: validate → credential → one listing walk → load what the classifier needs (live agents, state) → classify.
/// Repair: audit again, plan the writes for the chosen kinds, then write with bounded parallelism. Because every repair
/// starts from a fresh audit, a second run (or a run after an interruption) writes only what is still wrong. An applied
/// repair starts the voice fixes no other assistant can change while the listing still runs (see
/// <see cref="FleetRepairPlanner.PlanEarly"/>): the PATCHes of the first page overlap the rest of the audit.
/// </summary>
internal sealed class VapiFleet : IVapiFleet
{
    private const int ListingProgressStep = 250;

    private readonly AssistantGateway _client;
    private readonly IVoiceNormalizer _normalizer;
    private readonly ChainedCredentialProvider _credentials;
    private readonly IAssistantStateStore _store;
    private readonly IAssistantSyncLock _lock;
    private readonly IOptionsMonitor<VapiSyncOptions> _options;
    private readonly FleetMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public VapiFleet(
        AssistantGateway client,
        IVoiceNormalizer normalizer,
        ChainedCredentialProvider credentials,
        IAssistantStateStore store,
        IAssistantSyncLock syncLock,
        IOptionsMonitor<VapiSyncOptions> options,
        FleetMetrics metrics,
        TimeProvider time,
        ILogger<VapiFleet> logger)
    {
        _client = client;
        _normalizer = normalizer;
        _credentials = credentials;
        _store = store;
        _lock = syncLock;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public async Task<FleetAuditReport> AuditAsync(FleetAuditRequest request, IProgress<FleetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        FleetRequestValidator.Validate(request);
        var audit = await RunAuditAsync(request, progress, null, cancellationToken).ConfigureAwait(false);
        progress?.Report(new FleetProgress(FleetPhase.Completed, audit.Report.AssistantCount, audit.Report.AssistantCount));
        return audit.Report;
    }

    public async Task<FleetRepairResult> RepairAsync(FleetRepairRequest request, IProgress<FleetProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        FleetRequestValidator.Validate(request);
        var selected = request.AssistantIds is null ? null : new HashSet<string>(request.AssistantIds, StringComparer.Ordinal);
        var (audit, plan, actions) = request.Apply
            ? await ApplyAsync(request, selected, progress, cancellationToken).ConfigureAwait(false)
            : await DryRunAsync(request, selected, progress, cancellationToken).ConfigureAwait(false);

        var count = (FleetRepairStatus status) => actions.Count(a => a.Status == status);
        Log.RepairCompleted(_logger, request.Audit.OrganizationId, request.Apply ? "apply" : "dry run", plan.Count, count(FleetRepairStatus.Done), count(FleetRepairStatus.AlreadyDone), count(FleetRepairStatus.Failed));
        progress?.Report(new FleetProgress(FleetPhase.Completed, actions.Count, actions.Count));
        return new FleetRepairResult { Audit = audit.Report, Applied = request.Apply, Actions = actions };
    }

    private async Task<(AuditRun Audit, List<PlannedFix> Plan, List<FleetRepairAction> Actions)> DryRunAsync(
        FleetRepairRequest request, HashSet<string>? selected, IProgress<FleetProgress>? progress, CancellationToken cancellationToken)
    {
        var audit = await RunAuditAsync(request.Audit, progress, null, cancellationToken).ConfigureAwait(false);
        var plan = FleetRepairPlanner.Plan(audit.Report.Findings, request.Kinds, selected, audit.Desired);
        return (audit, plan, plan.ConvertAll(fix => ToAction(fix, FleetRepairStatus.Planned, null)));
    }

    /// <summary>
    /// The writers start with the listing. Should the audit fail after some early voice fixes went out, the writers are
    /// stopped before the audit's exception surfaces: every write that was sent is logged and counted, and the next run
    /// (a fresh audit) finds those assistants fixed.
    /// </summary>
    private async Task<(AuditRun Audit, List<PlannedFix> Plan, List<FleetRepairAction> Actions)> ApplyAsync(
        FleetRepairRequest request, HashSet<string>? selected, IProgress<FleetProgress>? progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var organizationId = request.Audit.OrganizationId;
        VapiCredential? credential = null; // resolved by the audit before the listing, so before any write is queued
        var pool = new FleetWritePool((fix, ct) => WriteAsync(fix, organizationId, credential!, ct), progress);
        var writers = pool.RunAsync(request.MaxDegreeOfParallelism, stop.Token);
        AuditRun audit;
        List<PlannedFix> plan;
        try
        {
            var judged = new EarlyJudgement(_options.CurrentValue.SyncKeyMetadataName);
            var early = EarlyFixes(request, selected, pool, judged);
            audit = await RunAuditAsync(
                request.Audit,
                progress,
                resolved =>
                {
                    credential = resolved;
                    return early;
                },
                stop.Token,
                judged).ConfigureAwait(false);
            plan = FleetRepairPlanner.Plan(audit.Report.Findings, request.Kinds, selected, audit.Desired, pool.Early);
            pool.Complete(plan);
        }
        catch
        {
            pool.Abandon();
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(writers).ConfigureAwait(false);
            _ = writers.Exception; // observed: the audit's failure is the one to report
            throw;
        }

        await writers.ConfigureAwait(false);
        return (audit, plan, pool.Actions(plan));
    }

    /// <summary>
    /// Judges each listed assistant's voice on its own, keeps the verdict for the classifier (<paramref name="judged"/>),
    /// and queues the fixes nothing else in the account can change.
    /// </summary>
    private Action<VapiAssistant> EarlyFixes(FleetRepairRequest request, HashSet<string>? selected, FleetWritePool pool, EarlyJudgement judged)
    {
        var organizationId = request.Audit.OrganizationId;
        var prefix = AccountView.SyncKeyPrefix(organizationId);
        Func<VoiceConfig?, VoiceNormalization> normalize = _normalizer.Normalize;
        return assistant =>
        {
            var (syncKey, agentKey) = AccountView.Owner(assistant, prefix, organizationId, judged.SyncKeyMetadataName);
            if (FleetClassifier.LegacyVoice(assistant, syncKey, agentKey, normalize) is { } legacy)
            {
                judged.LegacyVoices[assistant.Id] = legacy;
                if (FleetRepairPlanner.PlanEarly(legacy, agentKey is not null, request.Kinds, selected) is { } fix)
                {
                    pool.QueueEarly(fix);
                }
            }
        };
    }

    /// <summary>The voices judged while the listing ran, and the metadata name the owners were read with.</summary>
    private sealed class EarlyJudgement(string syncKeyMetadataName)
    {
        public string SyncKeyMetadataName { get; } = syncKeyMetadataName;

        public Dictionary<string, FleetFinding> LegacyVoices { get; } = new(StringComparer.Ordinal);
    }

    /// <param name="request">The audit.</param>
    /// <param name="progress">Progress.</param>
    /// <param name="onListing">Given the credential once it is resolved, returns what to call on each assistant as it is listed.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <param name="judged">The voices <paramref name="onListing"/> judged, to classify with instead of judging them again.</param>
    private async Task<AuditRun> RunAuditAsync(
        FleetAuditRequest request, IProgress<FleetProgress>? progress, Func<VapiCredential, Action<VapiAssistant>>? onListing, CancellationToken cancellationToken,
        EarlyJudgement? judged = null)
    {
        var options = _options.CurrentValue;
        var organizationId = request.OrganizationId;
        var desired = BuildDesired(request, options.SyncKeyMetadataName); // validates every definition before any I/O
        var credential = await _credentials.GetRequiredCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false);

        var assistants = await ListAsync(credential, progress, onListing?.Invoke(credential), cancellationToken).ConfigureAwait(false);
        var view = AccountView.Build(assistants, organizationId, options.SyncKeyMetadataName);
        progress?.Report(new FleetProgress(FleetPhase.Classifying, 0, assistants.Count));

        var states = await StatesAsync(request, view, cancellationToken).ConfigureAwait(false);
        var input = new ClassifierInput(
            _normalizer.Normalize,
            LiveAgentKeys(request, states.Listed),
            states.AssistantIds,
            desired.ToDictionary(p => p.Key, p => p.Value.ToJsonObject(), StringComparer.Ordinal),
            judged?.SyncKeyMetadataName == options.SyncKeyMetadataName ? judged.LegacyVoices : null);
        var findings = FleetClassifier.Classify(view, input);
        progress?.Report(new FleetProgress(FleetPhase.Classifying, assistants.Count, assistants.Count));

        var report = new FleetAuditReport
        {
            OrganizationId = organizationId,
            AccountFingerprint = credential.Fingerprint,
            AuditedAt = _time.GetUtcNow(),
            AssistantCount = assistants.Count,
            ManagedCount = view.ManagedCount,
            UnmanagedCount = view.UnmanagedCount,
            OtherOrganizationsCount = view.OtherOrganizationsCount,
            OrphansChecked = input.LiveAgentKeys is not null,
            Findings = findings,
            MissingAgentKeys = [.. request.Agents.Select(a => a.AgentKey).Where(k => !view.ByAgent.ContainsKey(k)).Order(StringComparer.Ordinal)],
        };
        _metrics.RecordFindings(findings);
        Log.Audited(
            _logger, organizationId, credential.Fingerprint, report.AssistantCount, report.Count(FleetFindingKind.LegacyVoice),
            report.Count(FleetFindingKind.Duplicate), report.Count(FleetFindingKind.Orphan), report.Count(FleetFindingKind.Drift));
        return new AuditRun(report, credential, desired);
    }

    /// <summary>Each agent's definition prepared exactly as a sync prepares it, so drift means "a sync would change this".</summary>
    private Dictionary<string, DesiredAssistant> BuildDesired(FleetAuditRequest request, string syncKeyMetadataName)
    {
        var desired = new Dictionary<string, DesiredAssistant>(StringComparer.Ordinal);
        foreach (var agent in request.Agents)
        {
            var syncRequest = new AssistantSyncRequest(request.OrganizationId, agent.AgentKey, agent.Definition);
            try
            {
                SyncRequestValidator.Validate(syncRequest);
            }
            catch (VapiValidationException ex)
            {
                // One of many agents is bad: say which, or the host (and the CLI's user) has to guess.
                throw new VapiValidationException([.. ex.Errors.Select(e => $"Agent '{agent.AgentKey}': {e}")]);
            }

            desired[agent.AgentKey] = DesiredAssistant.Build(syncRequest, _normalizer.Normalize(agent.Definition.Voice), syncKeyMetadataName);
        }

        return desired;
    }

    /// <summary>The one listing walk of the audit: no per-assistant GET, whatever the account's size.</summary>
    private async Task<List<VapiAssistant>> ListAsync(
        VapiCredential credential, IProgress<FleetProgress>? progress, Action<VapiAssistant>? onListed, CancellationToken cancellationToken)
    {
        var assistants = new List<VapiAssistant>();
        progress?.Report(new FleetProgress(FleetPhase.Listing, 0, null));
        await foreach (var assistant in _client.ListAsync(credential, null, null, cancellationToken).ConfigureAwait(false))
        {
            assistants.Add(assistant);
            onListed?.Invoke(assistant);
            if (assistants.Count % ListingProgressStep == 0)
            {
                progress?.Report(new FleetProgress(FleetPhase.Listing, assistants.Count, null));
            }
        }

        progress?.Report(new FleetProgress(FleetPhase.Listing, assistants.Count, assistants.Count));
        return assistants;
    }

    /// <summary>
    /// The state store is read only when needed: once as a listing (orphans, duplicate winners), or, when it cannot
    /// list, one read per duplicated agent.
    /// </summary>
    private async Task<StateSnapshot> StatesAsync(FleetAuditRequest request, AccountView view, CancellationToken cancellationToken)
    {
        var duplicated = view.ByAgent.Where(g => g.Value.Count > 1).Select(g => g.Key).ToList();
        var wantListing = request.OrphanSource == FleetOrphanSource.StateStore
            || (request.OrphanSource == FleetOrphanSource.Auto && request.LiveAgentKeys is null);
        if (!wantListing && duplicated.Count == 0)
        {
            return new StateSnapshot(null, new Dictionary<string, string>());
        }

        var listed = await TryListStatesAsync(request.OrganizationId, cancellationToken).ConfigureAwait(false);
        if (listed is not null)
        {
            // Auto: an empty store (a fresh in-memory one, or a host that keeps no state) says nothing about which
            // agents are gone; taking it at its word would call every managed assistant an orphan.
            var saysWhichAreLive = listed.Count > 0 || request.OrphanSource == FleetOrphanSource.StateStore;
            return new StateSnapshot(saysWhichAreLive ? listed.Keys.ToHashSet(StringComparer.Ordinal) : null, listed);
        }

        Log.StateStoreCannotList(_logger, request.OrganizationId, "finding duplicate winners");
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var agentKey in duplicated)
        {
            if (await _store.GetAsync(request.OrganizationId, agentKey, cancellationToken).ConfigureAwait(false) is { } state)
            {
                ids[agentKey] = state.AssistantId;
            }
        }

        return new StateSnapshot(null, ids);
    }

    private async Task<Dictionary<string, string>?> TryListStatesAsync(string organizationId, CancellationToken cancellationToken)
    {
        try
        {
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var entry in _store.ListAsync(organizationId, cancellationToken).ConfigureAwait(false))
            {
                ids[entry.AgentKey] = entry.State.AssistantId;
            }

            return ids;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static HashSet<string>? LiveAgentKeys(FleetAuditRequest request, HashSet<string>? fromStore)
    {
        var baseline = request.OrphanSource switch
        {
            FleetOrphanSource.None => null,
            FleetOrphanSource.LiveAgentKeys => request.LiveAgentKeys ?? [],
            FleetOrphanSource.StateStore => fromStore,
            _ => request.LiveAgentKeys ?? (IReadOnlyCollection<string>?)fromStore,
        };
        return baseline is null ? null : baseline.Concat(request.Agents.Select(a => a.AgentKey)).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<FleetRepairAction> WriteAsync(PlannedFix fix, string organizationId, VapiCredential credential, CancellationToken cancellationToken)
    {
        FleetRepairAction action;
        try
        {
            var status = fix.Operation switch
            {
                FleetRepairOperation.Delete => await DeleteAsync(fix, organizationId, credential, cancellationToken).ConfigureAwait(false),
                _ => await PatchAsync(fix, credential, cancellationToken).ConfigureAwait(false),
            };
            action = ToAction(fix, status, null);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                Log.Repaired(_logger, organizationId, fix.Operation, fix.AssistantId, fix.AgentKey, status, FixesText(fix.Fixes));
            }
        }
        catch (VapiSyncException ex)
        {
            action = ToAction(fix, FleetRepairStatus.Failed, ex.Message);
            Log.RepairFailed(_logger, ex, organizationId, fix.Operation, fix.AssistantId, fix.AgentKey);
        }

        _metrics.RecordWrite(fix.Operation, action.Status);
        return action;
    }

    /// <summary>The kinds a write fixes, for its log line; the one-kind lists (nearly every write) are constants.</summary>
    internal static string FixesText(IReadOnlyList<FleetFindingKind> fixes) => fixes.Count switch
    {
        1 => fixes[0] switch
        {
            FleetFindingKind.LegacyVoice => nameof(FleetFindingKind.LegacyVoice),
            FleetFindingKind.Duplicate => nameof(FleetFindingKind.Duplicate),
            FleetFindingKind.Orphan => nameof(FleetFindingKind.Orphan),
            FleetFindingKind.Drift => nameof(FleetFindingKind.Drift),
            var other => other.ToString(),
        },
        _ => string.Join(", ", fixes),
    };

    /// <summary>Vapi answering 404 means someone else already deleted it: the job is done, not failed.</summary>
    private async Task<FleetRepairStatus> DeleteAsync(PlannedFix fix, string organizationId, VapiCredential credential, CancellationToken cancellationToken)
    {
        var deleted = await _client.DeleteAsync(credential, fix.AssistantId, cancellationToken).ConfigureAwait(false);
        if (fix.AgentKey is { } agentKey && fix.Fixes.Contains(FleetFindingKind.Orphan))
        {
            await ForgetOrphanStateAsync(organizationId, agentKey, fix.AssistantId, cancellationToken).ConfigureAwait(false);
        }

        return deleted ? FleetRepairStatus.Done : FleetRepairStatus.AlreadyDone;
    }

    /// <summary>A state that still points to the deleted orphan would make the agent's next sync PATCH a missing assistant.</summary>
    private async Task ForgetOrphanStateAsync(string organizationId, string agentKey, string assistantId, CancellationToken cancellationToken)
    {
        await using (await _lock.AcquireAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false))
        {
            if ((await _store.GetAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false))?.AssistantId == assistantId)
            {
                await _store.RemoveAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A voice fix sends the voice alone; a re-apply, the definition a sync would send.</summary>
    private async Task<FleetRepairStatus> PatchAsync(PlannedFix fix, VapiCredential credential, CancellationToken cancellationToken)
    {
        try
        {
            await (fix.Operation == FleetRepairOperation.PatchVoice
                ? _client.PatchVoiceAsync(credential, fix.AssistantId, fix.Voice!, cancellationToken)
                : _client.UpdateAsync(credential, fix.AssistantId, fix.Desired!, cancellationToken)).ConfigureAwait(false);
            return FleetRepairStatus.Done;
        }
        catch (VapiApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return FleetRepairStatus.AlreadyDone; // deleted meanwhile: nothing left to fix
        }
    }

    private static FleetRepairAction ToAction(PlannedFix fix, FleetRepairStatus status, string? error) => new()
    {
        AssistantId = fix.AssistantId,
        AgentKey = fix.AgentKey,
        Operation = fix.Operation,
        Fixes = fix.Fixes,
        Status = status,
        Description = fix.Description,
        Error = error,
    };

    private sealed record AuditRun(FleetAuditReport Report, VapiCredential Credential, IReadOnlyDictionary<string, DesiredAssistant> Desired);

    private sealed record StateSnapshot(HashSet<string>? Listed, IReadOnlyDictionary<string, string> AssistantIds);
}
