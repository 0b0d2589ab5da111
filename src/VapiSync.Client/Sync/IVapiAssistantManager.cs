namespace VapiSync.Client;

/// <summary>Keeps one Vapi assistant per (organization, agent) in step with the host's definition.</summary>
public interface IVapiAssistantManager
{
    /// <summary>
    /// Makes Vapi hold the requested definition: validates, normalizes the voice, resolves the organization's key,
    /// then creates, updates, adopts or recreates the agent's single assistant, or skips the call when nothing changed.
    /// With <see cref="AssistantSyncRequest.DryRun"/> it only plans: the same steps up to the first write, which is
    /// reported (<see cref="AssistantSyncResult.Outcome"/>, <see cref="AssistantSyncResult.Differences"/>) instead of sent.
    /// </summary>
    /// <param name="request">The organization, the agent and its definition.</param>
    /// <param name="cancellationToken">Cancels the sync.</param>
    /// <returns>The assistant's id, what was done (or for a dry run would be done), what happened to the voice and where the key came from.</returns>
    /// <exception cref="ArgumentException">The organization id or agent key is empty, or the definition is missing.</exception>
    /// <exception cref="Http.VapiValidationException">The definition cannot be sent to Vapi (checked before any I/O).</exception>
    /// <exception cref="Credentials.VapiCredentialNotFoundException">No credential provider had a key.</exception>
    /// <exception cref="Http.VapiApiException">Vapi failed; the state is unchanged and the next sync resolves it.</exception>
    Task<AssistantSyncResult> EnsureAssistantAsync(AssistantSyncRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Syncs many agents with bounded parallelism. Each request gets its own result; one failure does not stop the rest.
    /// When Vapi answers 429 with <c>Retry-After</c>, every request to that account waits, not just the one refused.
    /// Requests with <see cref="AssistantSyncRequest.DryRun"/> are planned, not synced, each in its own result.
    /// </summary>
    /// <param name="requests">The agents to sync.</param>
    /// <param name="options">Parallelism; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels every sync not yet finished.</param>
    /// <returns>One result per request, in the order of <paramref name="requests"/>.</returns>
    Task<IReadOnlyList<AssistantSyncItemResult>> EnsureAssistantsAsync(
        IEnumerable<AssistantSyncRequest> requests, BulkSyncOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the agent's assistant at Vapi and forgets it.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when an assistant was deleted; <see langword="false"/> when there was none.</returns>
    /// <exception cref="Http.VapiApiException">Vapi refused (409 <c>assistant_pinned</c> for a pinned assistant); the state is kept.</exception>
    Task<bool> DeleteAssistantAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default);
}
