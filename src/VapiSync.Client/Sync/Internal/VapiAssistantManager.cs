using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// One sync, top to bottom: validate → normalize → credential → per-agent lock → state → decide → write state.
/// The decisions that keep "one agent, one assistant" true under faults live in <see cref="CreateAsync"/>.
/// </summary>
internal sealed class VapiAssistantManager : IVapiAssistantManager
{
    private readonly IVapiClient _client;
    private readonly IVoiceNormalizer _normalizer;
    private readonly ChainedCredentialProvider _credentials;
    private readonly IAssistantStateStore _store;
    private readonly IAssistantSyncLock _lock;
    private readonly AssistantIndex _index;
    private readonly IOptionsMonitor<VapiSyncOptions> _options;
    private readonly VapiSyncMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public VapiAssistantManager(
        IVapiClient client,
        IVoiceNormalizer normalizer,
        ChainedCredentialProvider credentials,
        IAssistantStateStore store,
        IAssistantSyncLock syncLock,
        AssistantIndex index,
        IOptionsMonitor<VapiSyncOptions> options,
        VapiSyncMetrics metrics,
        TimeProvider time,
        ILogger<VapiAssistantManager> logger)
    {
        _client = client;
        _normalizer = normalizer;
        _credentials = credentials;
        _store = store;
        _lock = syncLock;
        _index = index;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public async Task<AssistantSyncResult> EnsureAssistantAsync(AssistantSyncRequest request, CancellationToken cancellationToken = default)
    {
        SyncRequestValidator.Validate(request);
        var options = _options.CurrentValue;
        var voice = _normalizer.Normalize(request.Assistant.Voice);
        var desired = DesiredAssistant.Build(request, voice, options.SyncKeyMetadataName);
        if (voice.Changed)
        {
            Log.VoiceNormalized(_logger, request.OrganizationId, request.AgentKey, voice.Original?.ToString(), voice.Result?.ToString(), voice.AppliedRule?.Reason ?? "settings dropped");
            _metrics.RecordVoiceNormalization(voice.AppliedRule);
        }

        using var activity = VapiSyncTelemetry.StartSync(request.OrganizationId, request.AgentKey);
        var started = _time.GetTimestamp();
        try
        {
            var credential = await ResolveCredentialAsync(request.OrganizationId, cancellationToken).ConfigureAwait(false);
            var context = new SyncContext(request, desired, credential, DefinitionHash.Compute(desired.Body, credential.Fingerprint));

            SyncOutcome outcome;
            string assistantId;
            // [lease] A fenced lease: its token goes with the state write; losing it stops the sync with lease_lost.
            await using (var lease = await _lock.AcquireLeaseAsync(request.OrganizationId, request.AgentKey, cancellationToken).ConfigureAwait(false))
            using (var leased = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost))
            {
                try
                {
                    var state = await _store.GetAsync(request.OrganizationId, request.AgentKey, leased.Token).ConfigureAwait(false);
                    (assistantId, outcome) = await ApplyAsync(context, state, options, leased.Token).ConfigureAwait(false);
                    if (outcome != SyncOutcome.Unchanged)
                    {
                        var newState = new AssistantState(assistantId, context.Hash, _time.GetUtcNow());
                        await _store.SetFencedAsync(request.OrganizationId, request.AgentKey, newState, lease.FencingToken, leased.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException ex) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw VapiSyncLeaseException.LeaseLost(request.OrganizationId, request.AgentKey, lease.FencingToken, ex);
                }
            }

            Log.Synced(_logger, request.OrganizationId, request.AgentKey, assistantId, outcome, credential.Source);
            _metrics.RecordSync(outcome, _time.GetElapsedTime(started));
            VapiSyncTelemetry.Complete(activity, outcome, assistantId);
            return new AssistantSyncResult { AssistantId = assistantId, Outcome = outcome, Voice = voice, CredentialSource = credential.Source };
        }
        catch (Exception ex)
        {
            _metrics.RecordSyncFailure(ex, _time.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            Log.SyncFailed(_logger, ex, request.OrganizationId, request.AgentKey);
            throw;
        }
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
        await using (var lease = await _lock.AcquireLeaseAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false)) // [lease]
        {
            var state = await _store.GetAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false);
            var assistantId = state?.AssistantId ?? await _index.FindAsync(credential, syncKey, refresh: false, cancellationToken).ConfigureAwait(false);
            var deleted = assistantId is not null
                && await _client.DeleteAssistantAsync(credential, assistantId, cancellationToken).ConfigureAwait(false);
            if (assistantId is not null)
            {
                _index.Forget(credential, syncKey, assistantId);
            }

            await _store.RemoveFencedAsync(organizationId, agentKey, lease.FencingToken, cancellationToken).ConfigureAwait(false); // [lease]
            Log.Deleted(_logger, organizationId, agentKey, assistantId, deleted);
            return deleted;
        }
    }

    private async ValueTask<VapiCredential> ResolveCredentialAsync(string organizationId, CancellationToken cancellationToken)
    {
        using var activity = VapiSyncTelemetry.ActivitySource.StartActivity("vapisync credential");
        var credential = await _credentials.GetRequiredCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("vapisync.credential.source", credential.Source);
        return credential;
    }

    private async Task<(string AssistantId, SyncOutcome Outcome)> ApplyAsync(
        SyncContext context, AssistantState? state, VapiSyncOptions options, CancellationToken cancellationToken)
    {
        if (state is not null && state.DefinitionHash == context.Hash && options.SkipUnchanged && !context.Request.Force)
        {
            return (state.AssistantId, SyncOutcome.Unchanged);
        }

        // The library's own state wins; the host's column seeds it when the library has none (fresh store).
        if ((state?.AssistantId ?? context.Request.KnownAssistantId) is { } knownId)
        {
            return await UpdateOrRecreateAsync(context, knownId, SyncOutcome.Updated, cancellationToken).ConfigureAwait(false);
        }

        var existing = await _index.FindAsync(context.Credential, context.Desired.SyncKey, refresh: false, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return await UpdateOrRecreateAsync(context, existing, SyncOutcome.Adopted, cancellationToken).ConfigureAwait(false);
        }

        return (await CreateAsync(context, cancellationToken).ConfigureAwait(false), SyncOutcome.Created);
    }

    private async Task<(string AssistantId, SyncOutcome Outcome)> UpdateOrRecreateAsync(
        SyncContext context, string assistantId, SyncOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await UpdateAsync(context, assistantId, cancellationToken).ConfigureAwait(false);
            return (assistantId, outcome);
        }
        catch (VapiApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            Log.AssistantMissing(_logger, context.Request.OrganizationId, context.Request.AgentKey, assistantId);
            _index.Forget(context.Credential, context.Desired.SyncKey, assistantId);
            return (await CreateAsync(context, cancellationToken).ConfigureAwait(false), SyncOutcome.Recreated);
        }
    }

    /// <summary>
    /// POST is never retried blindly: Vapi has no idempotency key, so a create whose answer was lost may have happened.
    /// After such a failure the account is listed again; an assistant carrying the sync key is the one we created.
    /// When Vapi answered (5xx) and holds none, creating again is safe. When it never answered (timeout, broken
    /// connection, cancellation) the request may still be in flight: the call fails, and the next sync lists again.
    /// </summary>
    private async Task<string> CreateAsync(SyncContext context, CancellationToken cancellationToken)
    {
        var maxAttempts = Math.Max(1, _options.CurrentValue.MaxCreateAttempts);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (id, createdAt) = await PostAsync(context, cancellationToken).ConfigureAwait(false);
                _index.Record(context.Credential, context.Desired.SyncKey, id, createdAt);
                return id;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _index.MarkUncertain(context.Credential, context.Desired.SyncKey);
                throw;
            }
            catch (VapiApiException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests && attempt < maxAttempts)
            {
                // Refused, so certainly not created: POST again once the account's pause is over.
                var wait = ex.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero ? Min(retryAfter, MaxRateLimitWait) : TimeSpan.FromSeconds(1);
                Log.CreateRateLimited(_logger, context.Request.OrganizationId, context.Request.AgentKey, wait, attempt);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (VapiApiException ex) when (MayHaveCreated(ex))
            {
                Log.CreateOutcomeUnknown(_logger, context.Request.OrganizationId, context.Request.AgentKey, (int)ex.StatusCode, ex.ErrorCode, attempt);
                _index.MarkUncertain(context.Credential, context.Desired.SyncKey);
                var found = await _index.FindAsync(context.Credential, context.Desired.SyncKey, refresh: true, cancellationToken).ConfigureAwait(false);
                if (found is not null)
                {
                    Log.CreateConfirmedByListing(_logger, context.Request.OrganizationId, context.Request.AgentKey, found);
                    return found;
                }

                if (!SafeToCreateAgain(ex) || attempt >= maxAttempts)
                {
                    _index.MarkUncertain(context.Credential, context.Desired.SyncKey);
                    throw;
                }
            }
        }
    }

    /// <summary>With the library's own client the pre-serialized body goes out as is; any other <see cref="IVapiClient"/> gets a definition.</summary>
    private async Task<(string Id, DateTimeOffset CreatedAt)> PostAsync(SyncContext context, CancellationToken cancellationToken)
    {
        if (_client is VapiClient own)
        {
            var created = await own.CreateAssistantAsync(context.Credential, context.Desired.Body, cancellationToken).ConfigureAwait(false);
            return (created.Id, created.CreatedAt);
        }

        var assistant = await _client.CreateAssistantAsync(context.Credential, context.Desired.Definition, cancellationToken).ConfigureAwait(false);
        return (assistant.Id, assistant.CreatedAt);
    }

    private Task UpdateAsync(SyncContext context, string assistantId, CancellationToken cancellationToken) => _client is VapiClient own
        ? own.UpdateAssistantAsync(context.Credential, assistantId, context.Desired.Body, cancellationToken)
        : _client.UpdateAssistantAsync(context.Credential, assistantId, context.Desired.Definition, cancellationToken);

    private static readonly TimeSpan MaxRateLimitWait = TimeSpan.FromSeconds(60);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// An open circuit means nothing was sent; 4xx other than 408 means Vapi refused. Everything else may have created,
    /// including a success status whose body could not be read.
    /// </summary>
    private static bool MayHaveCreated(VapiApiException ex) =>
        ex.ErrorCode != "circuit_open"
        && (ex.IsNoResponse || ex.ErrorCode == "malformed_response" || ex.StatusCode == HttpStatusCode.RequestTimeout || (int)ex.StatusCode >= 500);

    /// <summary>Only a finished error answer (5xx, 408) proves the request is no longer being processed.</summary>
    private static bool SafeToCreateAgain(VapiApiException ex) =>
        !ex.IsNoResponse && ex.ErrorCode != "malformed_response"
        && (ex.StatusCode == HttpStatusCode.RequestTimeout || (int)ex.StatusCode >= 500);

    private sealed record SyncContext(AssistantSyncRequest Request, DesiredAssistant Desired, VapiCredential Credential, string Hash);
}
