using System.Diagnostics;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// Keeps each agent's assistant in exactly one Vapi account. When the key resolved for a sync belongs to another
/// account than the one recorded in the agent's state (the organization gained, lost or changed its key, or a key
/// store recovered), the assistant is created — or adopted, when the new account already holds the sync key — in the
/// new account first, and only then deleted in the old one with the old account's key. An old assistant that cannot be
/// deleted (its key can no longer be resolved, or Vapi refuses) is recorded as an orphan and reported, never forgotten;
/// later syncs that change the agent try to delete it again.
/// </summary>
/// <remarks>
/// New account first, old one second: deleting first would leave the agent with no assistant at all when the create
/// then fails, and would delete the assistant itself when the new key is only a rotated key of the same account.
/// Accounts are told apart by key fingerprint, so a rotated key looks like a new account until the adopt-or-create
/// step finds the very same assistant: then nothing is deleted and the outcome is <see cref="SyncOutcome.Updated"/>.
/// </remarks>
internal sealed class AccountMove(
    AssistantGateway gateway,
    ChainedCredentialProvider credentials,
    AssistantIndex index,
    AccountMoveMetrics metrics,
    TimeProvider time,
    ILogger<AccountMove> logger)
{
    private const string Deleted = "deleted";
    private const string Gone = "gone";
    private const string Orphaned = "orphaned";

    /// <summary>Whether the agent's assistant is recorded in another account than the credential's (state without an account predates recording: not a move).</summary>
    public static bool IsMove(AssistantState? state, VapiCredential credential) =>
        state?.AccountFingerprint is { } recorded && !string.Equals(recorded, credential.Fingerprint, StringComparison.Ordinal);

    /// <summary>The state to write after a sync, or <see langword="null"/> when the stored one is still right.</summary>
    public static AssistantState? NextState(AssistantState? state, AccountSyncResult synced, string definitionHash, VapiCredential credential, DateTimeOffset now)
    {
        var same = state is not null && synced.Outcome == SyncOutcome.Unchanged
            && string.Equals(state.AccountFingerprint, credential.Fingerprint, StringComparison.Ordinal)
            && state.Orphans.SequenceEqual(synced.Orphans);
        return same ? null : new AssistantState(synced.AssistantId, definitionHash, now)
        {
            AccountFingerprint = credential.Fingerprint,
            LastOutcome = synced.Outcome == SyncOutcome.Unchanged ? state?.LastOutcome ?? SyncOutcome.Unchanged : synced.Outcome,
            Orphans = synced.Orphans,
        };
    }

    /// <summary>
    /// Called once the agent's assistant is settled in the credential's account (<paramref name="assistantId"/>): on a
    /// move, deletes the old assistant in the old account (or records it as an orphan); a sync that changed something
    /// also retries the agent's earlier orphans.
    /// </summary>
    /// <returns>The final outcome (<see cref="SyncOutcome.Moved"/> on a move; <see cref="SyncOutcome.Updated"/> when the new key reached the same assistant) and the agent's orphans.</returns>
    public async ValueTask<AccountSyncResult> CompleteAsync(
        AgentAccount agent, AssistantState? state, VapiCredential credential, string assistantId, SyncOutcome outcome, CancellationToken cancellationToken)
    {
        var previousOrphans = state?.Orphans ?? [];
        if (!IsMove(state, credential))
        {
            var orphans = outcome == SyncOutcome.Unchanged ? previousOrphans : await SettleOrphansAsync(agent, previousOrphans, assistantId, cancellationToken).ConfigureAwait(false);
            return new AccountSyncResult(assistantId, outcome, orphans);
        }

        var previousAccount = state!.AccountFingerprint!;
        if (string.Equals(assistantId, state.AssistantId, StringComparison.Ordinal))
        {
            AccountMoveLog.SameAccountNewKey(logger, agent.OrganizationId, agent.AgentKey, previousAccount, credential.Fingerprint, assistantId);
            return new AccountSyncResult(assistantId, SyncOutcome.Updated, await SettleOrphansAsync(agent, previousOrphans, assistantId, cancellationToken).ConfigureAwait(false));
        }

        var (fate, orphan) = await RetireAsync(agent, state.AssistantId, previousAccount, cancellationToken).ConfigureAwait(false);
        AccountMoveLog.Moved(logger, agent.OrganizationId, agent.AgentKey, previousAccount, credential.Fingerprint, assistantId, state.AssistantId, fate);
        metrics.RecordMove(fate);
        Activity.Current?.SetTag("vapisync.account.previous", previousAccount);
        Activity.Current?.SetTag("vapisync.account", credential.Fingerprint);
        Activity.Current?.SetTag("vapisync.previous_assistant", fate);
        var remaining = await SettleOrphansAsync(agent, previousOrphans, assistantId, cancellationToken).ConfigureAwait(false);
        return new AccountSyncResult(assistantId, SyncOutcome.Moved, orphan is null ? remaining : [.. remaining, orphan]);
    }

    /// <summary>The key of the account the agent's assistant is recorded in, for deleting it there.</summary>
    /// <exception cref="VapiCredentialUnavailableException">That key can no longer be resolved.</exception>
    public async ValueTask<VapiCredential> KeyOfRecordedAccountAsync(string organizationId, AssistantState? state, VapiCredential resolved, CancellationToken cancellationToken)
    {
        if (state?.AccountFingerprint is not { } recorded || string.Equals(recorded, resolved.Fingerprint, StringComparison.Ordinal))
        {
            return resolved;
        }

        var (credential, providerFailed) = await credentials.FindByFingerprintAsync(organizationId, recorded, cancellationToken).ConfigureAwait(false);
        return credential ?? throw new VapiCredentialUnavailableException(
            organizationId,
            $"The assistant of this agent lives in account {recorded}, whose key can no longer be resolved for organization '{organizationId}'"
                + (providerFailed ? " (a credential provider failed)." : "; configure that key again (or delete the assistant in Vapi) and retry."),
            isTransient: providerFailed)
        {
            AccountFingerprint = recorded,
        };
    }

    /// <summary>Deletes what it can of the orphans of an agent being deleted; the rest is logged as a warning, since the state goes.</summary>
    public async Task AbandonOrphansAsync(AgentAccount agent, IReadOnlyList<OrphanedAssistant>? orphans, CancellationToken cancellationToken)
    {
        foreach (var orphan in await SettleOrphansAsync(agent, orphans ?? [], currentAssistantId: null, cancellationToken).ConfigureAwait(false))
        {
            AccountMoveLog.OrphanAbandoned(logger, agent.OrganizationId, agent.AgentKey, orphan.AssistantId, orphan.AccountFingerprint);
            metrics.RecordOrphan("abandoned");
        }
    }

    private async Task<IReadOnlyList<OrphanedAssistant>> SettleOrphansAsync(
        AgentAccount agent, IReadOnlyList<OrphanedAssistant> orphans, string? currentAssistantId, CancellationToken cancellationToken)
    {
        if (orphans.Count == 0)
        {
            return orphans;
        }

        var remaining = new List<OrphanedAssistant>(orphans.Count);
        foreach (var orphan in orphans)
        {
            // Moved back into that account and adopted it: it is the agent's assistant again, not an orphan.
            if (string.Equals(orphan.AssistantId, currentAssistantId, StringComparison.Ordinal))
            {
                continue;
            }

            if (await TryDeleteAsync(agent, orphan.AssistantId, orphan.AccountFingerprint, cancellationToken).ConfigureAwait(false) is not (Deleted or Gone))
            {
                remaining.Add(orphan);
                continue;
            }

            AccountMoveLog.OrphanDeleted(logger, agent.OrganizationId, agent.AgentKey, orphan.AssistantId, orphan.AccountFingerprint);
            metrics.RecordOrphan(Deleted);
        }

        return remaining;
    }

    private async Task<(string Fate, OrphanedAssistant? Orphan)> RetireAsync(AgentAccount agent, string assistantId, string account, CancellationToken cancellationToken)
    {
        var reason = await TryDeleteAsync(agent, assistantId, account, cancellationToken).ConfigureAwait(false);
        if (reason is Deleted or Gone)
        {
            return (reason, null);
        }

        AccountMoveLog.OrphanRecorded(logger, agent.OrganizationId, agent.AgentKey, assistantId, account, reason);
        metrics.RecordOrphan("recorded");
        return (Orphaned, new OrphanedAssistant(assistantId, account, time.GetUtcNow()));
    }

    /// <summary>Returns <see cref="Deleted"/> or <see cref="Gone"/> (404: already deleted, fine), else why it could not be deleted.</summary>
    private async Task<string> TryDeleteAsync(AgentAccount agent, string assistantId, string account, CancellationToken cancellationToken)
    {
        var (key, providerFailed) = await credentials.FindByFingerprintAsync(agent.OrganizationId, account, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return providerFailed ? "a credential provider failed while looking for its key" : "its key can no longer be resolved";
        }

        try
        {
            var deleted = await gateway.DeleteAsync(key, assistantId, cancellationToken).ConfigureAwait(false);
            index.Forget(key, agent.SyncKey, assistantId);
            return deleted ? Deleted : Gone;
        }
        catch (VapiSyncException ex)
        {
            return $"Vapi refused to delete it ({(int)ex.StatusCode}, {ex.ErrorCode})";
        }
        catch (HttpRequestException ex)
        {
            return $"the delete failed ({ex.GetType().Name})";
        }
    }
}

/// <summary>The agent a sync is for, with its sync key.</summary>
internal readonly record struct AgentAccount(string OrganizationId, string AgentKey, string SyncKey);

/// <summary>What a sync did, with the agent's orphans after it.</summary>
internal sealed record AccountSyncResult(string AssistantId, SyncOutcome Outcome, IReadOnlyList<OrphanedAssistant> Orphans);
