namespace VapiSync.Client.Sync.Internal;

/// <summary>What the sync does next.</summary>
internal enum SyncStep
{
    /// <summary>The state already holds this definition for this account: no request.</summary>
    Skip,

    /// <summary>PATCH the assistant <see cref="SyncDecision.AssistantId"/>; on success the outcome is <see cref="SyncDecision.Outcome"/>.</summary>
    Patch,

    /// <summary>Look in the account index for an assistant carrying the sync key (may list the account).</summary>
    Lookup,

    /// <summary>Create through <see cref="SafeCreate"/> (never a blind POST); on success the outcome is <see cref="SyncDecision.Outcome"/>.</summary>
    Create,

    /// <summary>
    /// The state's assistant lives in another account than the resolved credential's: no request; carry on as if the
    /// agent had no assistant yet (adopt or create in the new account, outcome <see cref="SyncOutcome.Moved"/>). The old
    /// account's assistant is deleted only once the new one is settled (<see cref="AccountMove.CompleteAsync"/>).
    /// </summary>
    Move,
}

/// <summary>One decision of the planner.</summary>
internal readonly record struct SyncDecision(SyncStep Step, string? AssistantId = null, SyncOutcome Outcome = SyncOutcome.Unchanged);

/// <summary>
/// Everything the planner decides on: the stored state, the request, and what the sync has observed so far. The
/// orchestrator starts with <see cref="Start"/> and records each observation with a <c>with</c> expression.
/// </summary>
internal sealed record SyncFacts
{
    // Shared and never mutated (WithMissing copies): most syncs see no 404, and need no set of their own.
    private static readonly IReadOnlySet<string> NoneMissing = new HashSet<string>(StringComparer.Ordinal);

    public required string DesiredHash { get; init; }

    /// <summary>Gets the fingerprint of the credential this sync resolved (the account it acts on).</summary>
    public required string AccountFingerprint { get; init; }

    public AssistantState? State { get; init; }

    public string? KnownAssistantId { get; init; }

    public bool Force { get; init; }

    public bool SkipUnchanged { get; init; } = true;

    /// <summary>Gets a value indicating whether the sync has turned to the new account (the recorded assistant is not patched).</summary>
    public bool Moved { get; init; }

    /// <summary>Gets the assistants that answered 404 to a PATCH in this sync.</summary>
    public IReadOnlySet<string> Missing { get; init; } = NoneMissing;

    /// <summary>Gets a value indicating whether the index was consulted since the last 404.</summary>
    public bool LookedUp { get; init; }

    /// <summary>Gets the assistant the index found for the sync key, if any.</summary>
    public string? Found { get; init; }

    /// <summary>
    /// Gets a value indicating whether an earlier create of this key in this process ended without a usable answer
    /// (cancelled, unanswered, unconverged): it may have left an assistant nobody's state points at.
    /// </summary>
    public bool Uncertain { get; init; }

    public static SyncFacts Start(AssistantState? state, AssistantSyncRequest request, string desiredHash, string accountFingerprint, bool skipUnchanged, bool uncertain) => new()
    {
        Uncertain = uncertain,
        State = state,
        KnownAssistantId = request.KnownAssistantId,
        Force = request.Force,
        SkipUnchanged = skipUnchanged,
        DesiredHash = desiredHash,
        AccountFingerprint = accountFingerprint,
    };

    public SyncFacts WithMissing(string assistantId) =>
        this with { Missing = new HashSet<string>(Missing, StringComparer.Ordinal) { assistantId }, LookedUp = false, Found = null };
}

/// <summary>
/// The decision of a sync, as a pure function of <see cref="SyncFacts"/>: every transition of the sync's state machine
/// is a row of its table test. The orchestrator executes a decision, records what it saw, and asks again.
/// </summary>
internal static class SyncPlanner
{
    public static SyncDecision Decide(SyncFacts facts)
    {
        var state = facts.State;

        // The account-move seam (issue #12): state recorded for another account than the credential now resolves.
        if (!facts.Moved && state?.AccountFingerprint is { } recorded && !string.Equals(recorded, facts.AccountFingerprint, StringComparison.Ordinal))
        {
            return new SyncDecision(SyncStep.Move, state.AssistantId);
        }

        if (!facts.Moved && state is not null && facts.Missing.Count == 0 && facts.SkipUnchanged && !facts.Force && !facts.Uncertain
            && string.Equals(state.DefinitionHash, facts.DesiredHash, StringComparison.Ordinal))
        {
            return new SyncDecision(SyncStep.Skip, state.AssistantId, SyncOutcome.Unchanged);
        }

        // The library's own state wins; the host's column seeds it when the library has none (fresh store).
        var known = facts.Moved ? null : state?.AssistantId ?? facts.KnownAssistantId;
        if (known is not null && !facts.Missing.Contains(known))
        {
            // A create of unknown outcome may have left a second assistant: list (the lookup deletes the losers) first.
            if (facts.Uncertain && !facts.LookedUp)
            {
                return new SyncDecision(SyncStep.Lookup);
            }

            return facts.LookedUp && facts.Found is { } winner && winner != known && !facts.Missing.Contains(winner)
                ? new SyncDecision(SyncStep.Patch, winner, SyncOutcome.Adopted)
                : new SyncDecision(SyncStep.Patch, known, SyncOutcome.Updated);
        }

        // No id, or it answered 404 (deleted in the dashboard, or a stale host column): an assistant carrying the
        // sync key may exist anyway (created by a sync whose state write was lost), so look before creating.
        if (!facts.LookedUp)
        {
            return new SyncDecision(SyncStep.Lookup);
        }

        if (facts.Found is { } found && !facts.Missing.Contains(found))
        {
            return new SyncDecision(SyncStep.Patch, found, facts.Moved ? SyncOutcome.Moved : SyncOutcome.Adopted);
        }

        return new SyncDecision(SyncStep.Create, null, facts.Moved ? SyncOutcome.Moved : facts.Missing.Count > 0 ? SyncOutcome.Recreated : SyncOutcome.Created);
    }

    /// <summary>
    /// The outcome of a create: what was planned, unless the assistant turned out to exist already (found by listing
    /// after a lost POST answer, or another instance's create won the convergence), which is an adoption.
    /// </summary>
    public static SyncOutcome AfterCreate(SyncOutcome planned, bool adopted) =>
        adopted && planned == SyncOutcome.Created ? SyncOutcome.Adopted : planned;
}
