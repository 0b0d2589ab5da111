namespace VapiSync.Client.Fleet;

/// <summary>
/// Audits a whole Vapi account for the damage naive sync code leaves behind (legacy voices, duplicate assistants,
/// orphans, drift) and repairs a chosen subset of it.
/// </summary>
/// <remarks>
/// An audit is read-only: one listing walk of the account, no per-assistant GET. A repair audits again first and
/// writes only what that fresh audit still finds, so it is idempotent and resumable: after an interruption the next
/// run finishes the job and touches nothing already fixed. Every request goes through the library's typed
/// <see cref="HttpClient"/>, so rate-limit pauses and the circuit breaker apply.
/// </remarks>
public interface IVapiFleet
{
    /// <summary>Lists the organization's Vapi account once and classifies every assistant.</summary>
    /// <param name="request">The organization, and what the host knows about its live agents.</param>
    /// <param name="progress">Receives progress while the account is listed and classified; optional.</param>
    /// <param name="cancellationToken">Cancels the audit.</param>
    /// <returns>The findings, serializable with <see cref="FleetAuditReport.ToJson"/>.</returns>
    /// <exception cref="ArgumentException">The request is invalid (checked before any I/O).</exception>
    /// <exception cref="Http.VapiValidationException">An agent's definition cannot be sent to Vapi (checked before any I/O).</exception>
    /// <exception cref="Credentials.VapiCredentialNotFoundException">No credential provider had a key for the organization.</exception>
    /// <exception cref="Http.VapiApiException">Listing the account failed.</exception>
    Task<FleetAuditReport> AuditAsync(FleetAuditRequest request, IProgress<FleetProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Audits the account, then fixes the findings of the chosen kinds: a dry run (nothing written) unless
    /// <see cref="FleetRepairRequest.Apply"/> is set. When applying, a legacy voice that no other assistant can affect
    /// (not one of the organization's managed assistants, or any assistant when neither duplicates, orphans nor drift are
    /// chosen) is PATCHed as soon as it is listed; the rest waits for the complete audit.
    /// </summary>
    /// <param name="request">The audit to run, which kinds to fix, and whether to write.</param>
    /// <param name="progress">Receives progress while auditing and repairing; optional.</param>
    /// <param name="cancellationToken">Cancels the repair (<see cref="OperationCanceledException"/>); writes already made stay made, and the next run resumes.</param>
    /// <returns>The audit the repair was based on and one action per fix, with its status.</returns>
    /// <exception cref="ArgumentException">The request is invalid (checked before any I/O).</exception>
    /// <exception cref="Credentials.VapiCredentialNotFoundException">No credential provider had a key for the organization.</exception>
    /// <exception cref="Http.VapiApiException">
    /// Listing the account failed (voice fixes already sent stay made, and the next run resumes). Failures of single fixes
    /// are reported per action instead.
    /// </exception>
    Task<FleetRepairResult> RepairAsync(FleetRepairRequest request, IProgress<FleetProgress>? progress = null, CancellationToken cancellationToken = default);
}
