using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

/// <summary>The sync's state machine, one row per transition.</summary>
public sealed class SyncPlannerTests
{
    private const string Hash = "hash-now";
    private const string Account = "acct-now";
    private const string A = "aaaaaaaa-0000-0000-0000-000000000001";
    private const string B = "bbbbbbbb-0000-0000-0000-000000000002";
    private const string C = "cccccccc-0000-0000-0000-000000000003";

    private static readonly List<(string Row, Func<SyncFacts, SyncFacts> Facts, SyncStep Step, string? AssistantId, SyncOutcome Outcome)> Table =
    [
        ("same hash, same account → skip", f => f with { State = State(A, Hash) }, SyncStep.Skip, A, SyncOutcome.Unchanged),
        ("same hash, Force → patch", f => f with { State = State(A, Hash), Force = true }, SyncStep.Patch, A, SyncOutcome.Updated),
        ("same hash, SkipUnchanged off → patch", f => f with { State = State(A, Hash), SkipUnchanged = false }, SyncStep.Patch, A, SyncOutcome.Updated),
        ("changed hash → patch the state's id", f => f with { State = State(A, "old") }, SyncStep.Patch, A, SyncOutcome.Updated),
        ("state wins over the host's column", f => f with { State = State(A, "old"), KnownAssistantId = B }, SyncStep.Patch, A, SyncOutcome.Updated),
        ("no state, host's column → patch it", f => f with { KnownAssistantId = B }, SyncStep.Patch, B, SyncOutcome.Updated),
        ("legacy state without account → patch", f => f with { State = State(A, "old", account: null) }, SyncStep.Patch, A, SyncOutcome.Updated),
        ("no state, no column → look up the sync key", f => f, SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("looked up, found → adopt (patch it)", f => f with { LookedUp = true, Found = C }, SyncStep.Patch, C, SyncOutcome.Adopted),
        ("looked up, none → create", f => f with { LookedUp = true }, SyncStep.Create, null, SyncOutcome.Created),
        ("PATCH 404 → look for the sync key before any POST", f => (f with { State = State(A, "old") }).WithMissing(A), SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("PATCH 404 with unchanged hash → look up (never skip to a missing id)", f => (f with { State = State(A, Hash) }).WithMissing(A), SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("404, then found another → adopt it", f => (f with { State = State(A, "old") }).WithMissing(A) with { LookedUp = true, Found = C }, SyncStep.Patch, C, SyncOutcome.Adopted),
        ("404, then found only the missing one → create (recreated)", f => (f with { State = State(A, "old") }).WithMissing(A) with { LookedUp = true, Found = A }, SyncStep.Create, null, SyncOutcome.Recreated),
        ("404, none found → create (recreated)", f => (f with { State = State(A, "old") }).WithMissing(A) with { LookedUp = true }, SyncStep.Create, null, SyncOutcome.Recreated),
        ("stale host column 404s → look up", f => (f with { KnownAssistantId = B }).WithMissing(B), SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("adopted one 404s too → look up again", f => (f with { LookedUp = true, Found = C }).WithMissing(C), SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("uncertain create, same hash → no skip: look up first", f => f with { State = State(A, Hash), Uncertain = true }, SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("uncertain create, known id → look up first", f => f with { State = State(A, "old"), Uncertain = true }, SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("uncertain, looked up, the known id wins → patch it", f => f with { State = State(A, "old"), Uncertain = true, LookedUp = true, Found = A }, SyncStep.Patch, A, SyncOutcome.Updated),
        ("uncertain, looked up, another wins → adopt it", f => f with { State = State(A, "old"), Uncertain = true, LookedUp = true, Found = C }, SyncStep.Patch, C, SyncOutcome.Adopted),
        ("recorded account differs → move", f => f with { State = State(A, Hash, account: "acct-old") }, SyncStep.Move, A, SyncOutcome.Unchanged),
        ("moved → look up in the new account, ignoring the old id", f => f with { State = State(A, Hash, account: "acct-old"), Moved = true }, SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("moved, found → adopt as moved", f => f with { State = State(A, Hash, account: "acct-old"), Moved = true, LookedUp = true, Found = C }, SyncStep.Patch, C, SyncOutcome.Moved),
        ("moved, none → create as moved", f => f with { State = State(A, Hash, account: "acct-old"), Moved = true, LookedUp = true }, SyncStep.Create, null, SyncOutcome.Moved),
        ("recorded account differs, Force → still move first", f => f with { State = State(A, Hash, account: "acct-old"), Force = true }, SyncStep.Move, A, SyncOutcome.Unchanged),
        ("recorded account differs, hash changed → move, never patch the old account's id", f => f with { State = State(A, "old", account: "acct-old") }, SyncStep.Move, A, SyncOutcome.Unchanged),
        ("moved → the host's column is the old account's too: look up", f => f with { State = State(A, Hash, account: "acct-old"), KnownAssistantId = B, Moved = true }, SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("moved, found the recorded id (rotated key, same account) → patch it (AccountMove reports Updated)", f => f with { State = State(A, Hash, account: "acct-old"), Moved = true, LookedUp = true, Found = A }, SyncStep.Patch, A, SyncOutcome.Moved),
        ("moved, adopted one 404s → look up again", f => (f with { State = State(A, Hash, account: "acct-old"), Moved = true, LookedUp = true, Found = C }).WithMissing(C), SyncStep.Lookup, null, SyncOutcome.Unchanged),
        ("moved, adopted one 404s, none left → create as moved (not recreated)", f => (f with { State = State(A, Hash, account: "acct-old"), Moved = true, LookedUp = true, Found = C }).WithMissing(C) with { LookedUp = true }, SyncStep.Create, null, SyncOutcome.Moved),
    ];

    public static TheoryData<string> Rows() => [.. Table.Select(r => r.Row)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_Transition_IsThePlannedStep(string row)
    {
        var (_, facts, step, assistantId, outcome) = Table.Single(r => r.Row == row);
        var decision = SyncPlanner.Decide(facts(Start()));

        Assert.True(decision.Step == step, $"{row}: {decision}");
        Assert.Equal(assistantId, decision.AssistantId);
        if (step is SyncStep.Patch or SyncStep.Create or SyncStep.Skip)
        {
            Assert.Equal(outcome, decision.Outcome);
        }
    }

    [Theory]
    [InlineData(SyncOutcome.Created, false, SyncOutcome.Created)]
    [InlineData(SyncOutcome.Created, true, SyncOutcome.Adopted)]
    [InlineData(SyncOutcome.Recreated, true, SyncOutcome.Recreated)]
    [InlineData(SyncOutcome.Moved, true, SyncOutcome.Moved)]
    public void AfterCreate_FoundInsteadOfCreated_IsAdopted(SyncOutcome planned, bool adopted, SyncOutcome expected) =>
        Assert.Equal(expected, SyncPlanner.AfterCreate(planned, adopted));

    private static SyncFacts Start() => new() { DesiredHash = Hash, AccountFingerprint = Account };

    private static AssistantState State(string id, string hash, string? account = Account) =>
        new(id, hash, DateTimeOffset.UnixEpoch) { AccountFingerprint = account };
}
