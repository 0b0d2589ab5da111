using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Credentials.Internal;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The "never POST blindly" protocol. Vapi has no idempotency key, so a create whose answer was lost may have happened:
/// <list type="number">
/// <item>Before anything is sent the caller has looked for the sync key (see <see cref="SyncPlanner"/>).</item>
/// <item>A failure that may have committed (<see cref="FailureClassifier.MayHaveCommitted"/>) marks the key uncertain
/// and lists the account again: an assistant carrying the key is the one we created — adopted, not created.</item>
/// <item>Only a finished error answer (5xx, 408) proves the request is over, so only then is the POST repeated; a
/// request that got no answer may still be in flight, so the sync fails and the next one lists again.</item>
/// <item>A 429 (refused, so certainly not created) is repeated after the account's pause.</item>
/// <item>After a create, other instances that share nothing but the account may have created the same agent: the
/// account's assistants created since its last listing are listed (<see cref="AssistantIndex.ConvergeAsync"/>, one
/// coalesced listing for every create finishing meanwhile) and one deterministic winner (oldest <c>createdAt</c>, then
/// smallest id) is kept by every side; the others are deleted, and a winner that is not ours gets our definition. On by
/// default (<see cref="VapiSyncOptions.ConvergenceWindow"/>).</item>
/// </list>
/// </summary>
internal sealed class SafeCreate
{
    private static readonly TimeSpan MaxRateLimitWait = TimeSpan.FromSeconds(60);

    private readonly AssistantGateway _gateway;
    private readonly AssistantIndex _index;
    private readonly IOptionsMonitor<VapiSyncOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SafeCreate(AssistantGateway gateway, AssistantIndex index, IOptionsMonitor<VapiSyncOptions> options, TimeProvider time, ILogger<SafeCreate> logger)
    {
        _gateway = gateway;
        _index = index;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Creates the agent's assistant, or finds the one that exists after all.</summary>
    /// <returns>The assistant's id and whether it was found rather than created by this call.</returns>
    public async Task<(string AssistantId, bool Adopted)> CreateAsync(SyncTarget target, CancellationToken cancellationToken)
    {
        var maxAttempts = Math.Max(1, _options.CurrentValue.MaxCreateAttempts);
        for (var attempt = 1; ; attempt++)
        {
            string id;
            DateTimeOffset createdAt;
            try
            {
                _index.CreateStarted(target.Credential);
                try
                {
                    (id, createdAt) = await _gateway.CreateAsync(target.Credential, target.Desired, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _index.CreateEnded(target.Credential);
                }

                _index.Record(target.Credential, target.Desired.SyncKey, id, createdAt);
            }
            catch (Exception ex)
            {
                var kind = FailureClassifier.Classify(ex, cancellationToken);
                if (kind is not (FailureKind.Invalid or FailureKind.Refused or FailureKind.NotSent or FailureKind.RateLimited
                    or FailureKind.CredentialMissing or FailureKind.CredentialUnavailable or FailureKind.NotFound))
                {
                    // Cancelled, unanswered, 5xx, unreadable answer, anything unknown: Vapi may hold it now.
                    _index.MarkUncertain(target.Credential, target.Desired.SyncKey);
                }

                if (kind == FailureKind.RateLimited && attempt < maxAttempts)
                {
                    await WaitOutRateLimitAsync(target, ex, attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!FailureClassifier.MayHaveCommitted(kind))
                {
                    throw;
                }

                Log.CreateOutcomeUnknown(_logger, target.OrganizationId, target.AgentKey, (int)((ex as VapiSyncException)?.StatusCode ?? 0), (ex as VapiSyncException)?.ErrorCode, attempt);
                var all = await _index.FindAllAsync(target.Credential, target.Desired.SyncKey, refresh: true, cancellationToken).ConfigureAwait(false);
                if (all.Count > 0)
                {
                    // The lost create may have landed next to an assistant the 404 or a stale index hid: one winner.
                    var found = all[0];
                    await DeleteLosersAsync(target, all.Skip(1), cancellationToken).ConfigureAwait(false);
                    Log.CreateConfirmedByListing(_logger, target.OrganizationId, target.AgentKey, found);
                    await _gateway.UpdateAsync(target.Credential, found, target.Desired, cancellationToken).ConfigureAwait(false);
                    return (found, true);
                }

                // Only a finished error answer proves nothing is still being processed.
                if (kind != FailureKind.ServerError || attempt >= maxAttempts)
                {
                    // Unanswered, it may still land after that listing: the next lookup must list again.
                    _index.MarkUncertain(target.Credential, target.Desired.SyncKey);
                    throw;
                }

                continue;
            }

            // Outside the POST's failure handling: the create committed, so a failure of the check (a 429 or 5xx on its
            // listing, a failed PATCH of the winner) must never repeat the POST.
            return await ConvergeAsync(target, id, createdAt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitOutRateLimitAsync(SyncTarget target, Exception ex, int attempt, CancellationToken cancellationToken)
    {
        // Vapi's own Retry-After (even 0) is honoured, capped; without one, a second.
        var wait = (ex as VapiApiException)?.RetryAfter is { } retryAfter && retryAfter >= TimeSpan.Zero
            ? (retryAfter < MaxRateLimitWait ? retryAfter : MaxRateLimitWait)
            : TimeSpan.FromSeconds(1);
        Log.CreateRateLimited(_logger, target.OrganizationId, target.AgentKey, wait, attempt);
        await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for a listing of the account's newest assistants that started after our create returned and keeps one
    /// winner for the key. When that listing fails the sync fails too (typed), the key is marked uncertain, and the next
    /// sync lists the account and deletes the losers; a delete that fails is logged and left to the next listing.
    /// </summary>
    private async Task<(string AssistantId, bool Adopted)> ConvergeAsync(SyncTarget target, string ownId, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var window = _options.CurrentValue.ConvergenceWindow;
        if (window <= TimeSpan.Zero)
        {
            return (ownId, false);
        }

        List<(string Id, DateTimeOffset CreatedAt)> same;
        try
        {
            // Waiting is not work: a bulk or a drain starts its next item meanwhile.
            ParallelismSlot.YieldWhileWaiting();
            same = [.. await _index.ConvergeAsync(target.Credential, target.Desired.SyncKey, createdAt, window, cancellationToken).ConfigureAwait(false)];
        }
        catch (Exception ex)
        {
            // Unconverged: the sync fails (no state is written) and the next lookup of the key lists the account again
            // and deletes the losers then.
            _index.MarkUncertain(target.Credential, target.Desired.SyncKey);
            if (FailureClassifier.Classify(ex, cancellationToken) != FailureKind.Cancelled)
            {
                Log.ConvergenceFailed(_logger, RedactedException.Of(ex), target.OrganizationId, target.AgentKey, ownId);
            }

            throw;
        }

        if (!same.Exists(a => a.Id == ownId))
        {
            same.Add((ownId, createdAt));
            same.Sort((a, b) => AssistantIndex.CompareWinner(a.CreatedAt, a.Id, b.CreatedAt, b.Id));
        }

        if (same.Count == 1)
        {
            return (ownId, false);
        }

        var winner = same[0].Id;
        Log.ConcurrentCreatesConverged(_logger, target.OrganizationId, target.AgentKey, same.Count, winner);
        await DeleteLosersAsync(target, same.Skip(1).Select(a => a.Id), cancellationToken).ConfigureAwait(false);
        if (winner == ownId)
        {
            return (ownId, false);
        }

        _index.Record(target.Credential, target.Desired.SyncKey, winner, same[0].CreatedAt);
        await _gateway.UpdateAsync(target.Credential, winner, target.Desired, cancellationToken).ConfigureAwait(false);
        return (winner, true);
    }

    /// <summary>Deletes the assistants that lost (every side deletes the same ones; a 404 means another side did it first).</summary>
    public async Task DeleteLosersAsync(SyncTarget target, IEnumerable<string> losers, CancellationToken cancellationToken)
    {
        foreach (var loser in losers)
        {
            try
            {
                await _gateway.DeleteAsync(target.Credential, loser, cancellationToken).ConfigureAwait(false);
                _index.Forget(target.Credential, target.Desired.SyncKey, loser);
            }
            catch (Exception ex) when (FailureClassifier.Classify(ex, cancellationToken) != FailureKind.Cancelled)
            {
                Log.DuplicateNotDeleted(_logger, RedactedException.Of(ex), target.OrganizationId, target.AgentKey, loser);
            }
        }
    }
}

/// <summary>What one sync acts on: who, what, and with which key.</summary>
internal sealed record SyncTarget(string OrganizationId, string AgentKey, DesiredAssistant Desired, VapiCredential Credential, string Hash);
