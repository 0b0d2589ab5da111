using VapiSync.Client.Credentials;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The seam for an agent whose key now resolves to another Vapi account than the one holding its assistant (issue #12):
/// called by the sync when <see cref="SyncPlanner"/> plans <see cref="SyncStep.Move"/>, before the assistant is adopted or
/// created in the new account.
/// </summary>
internal interface IAccountMover
{
    /// <summary>Deals with the assistant left in the old account.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="previous">The state recorded for the old account.</param>
    /// <param name="current">The credential the sync resolved now (the new account).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The orphans to keep in the agent's new state (the old ones plus any the mover could not delete).</returns>
    ValueTask<IReadOnlyList<OrphanedAssistant>> LeaveOldAccountAsync(
        string organizationId, string agentKey, AssistantState previous, VapiCredential current, CancellationToken cancellationToken);
}

/// <summary>
/// The default mover: the old account's key is not known here, so the old assistant is recorded as an orphan (reported,
/// never silently forgotten). The account-moves work replaces this with one that deletes it when the old key resolves.
/// </summary>
internal sealed class OrphaningAccountMover(TimeProvider time) : IAccountMover
{
    public ValueTask<IReadOnlyList<OrphanedAssistant>> LeaveOldAccountAsync(
        string organizationId, string agentKey, AssistantState previous, VapiCredential current, CancellationToken cancellationToken)
    {
        IReadOnlyList<OrphanedAssistant> orphans =
            [.. previous.Orphans, new OrphanedAssistant(previous.AssistantId, previous.AccountFingerprint ?? "unknown", time.GetUtcNow())];
        return ValueTask.FromResult(orphans);
    }
}
