using VapiSync.Client.Credentials;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

public sealed class AccountMoveStateTests
{
    private static readonly VapiCredential Key = new("account-key", "test");
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, false)]          // state written before accounts were recorded: not a move
    [InlineData("same", false)]
    [InlineData("other", true)]
    public void IsMove_ComparesRecordedAccountWithTheKeys(string? recorded, bool expected)
    {
        var state = new AssistantState("a1", "h", Now) { AccountFingerprint = recorded == "same" ? Key.Fingerprint : recorded };

        Assert.Equal(expected, AccountMove.IsMove(state, Key));
        Assert.False(AccountMove.IsMove(null, Key));
    }

    [Fact]
    public void NextState_UnchangedWithAccountRecorded_NothingToWrite()
    {
        var state = new AssistantState("a1", "h", Now) { AccountFingerprint = Key.Fingerprint, LastOutcome = SyncOutcome.Created };

        Assert.Null(AccountMove.NextState(state, new AccountSyncResult("a1", SyncOutcome.Unchanged, []), "h", Key, Now.AddMinutes(1)));
    }

    [Fact]
    public void NextState_UnchangedLegacyState_BackfillsAccountKeepsLastOutcome()
    {
        var state = new AssistantState("a1", "h", Now) { LastOutcome = SyncOutcome.Updated };

        var next = AccountMove.NextState(state, new AccountSyncResult("a1", SyncOutcome.Unchanged, []), "h", Key, Now);

        Assert.Equal((Key.Fingerprint, SyncOutcome.Updated), (next!.AccountFingerprint, next.LastOutcome));
    }

    [Fact]
    public void NextState_UnchangedStateWrittenBeforeOutcomesWereRecorded_BackfillsUnchanged()
    {
        var state = new AssistantState("a1", "h", Now) { NeedsLookup = false };

        var next = AccountMove.NextState(state, new AccountSyncResult("a1", SyncOutcome.Unchanged, []), "h", Key, Now);

        Assert.Equal((Key.Fingerprint, SyncOutcome.Unchanged), (next!.AccountFingerprint, next.LastOutcome));
    }

    [Fact]
    public void NextState_AfterAnUnsettledCreate_ClearsNeedsLookup()
    {
        var state = new AssistantState("a1", "h0", Now) { AccountFingerprint = Key.Fingerprint, NeedsLookup = true };

        var next = AccountMove.NextState(state, new AccountSyncResult("a1", SyncOutcome.Updated, []), "h1", Key, Now);

        Assert.False(next!.NeedsLookup);
    }

    [Fact]
    public void NextState_Moved_RecordsNewAccountOutcomeAndOrphans()
    {
        var orphan = new OrphanedAssistant("old", "0badf00d", Now);
        var state = new AssistantState("old", "h0", Now) { AccountFingerprint = "0badf00d" };

        var next = AccountMove.NextState(state, new AccountSyncResult("new", SyncOutcome.Moved, [orphan]), "h1", Key, Now);

        Assert.Equal(("new", "h1", Key.Fingerprint, SyncOutcome.Moved), (next!.AssistantId, next.DefinitionHash, next.AccountFingerprint, next.LastOutcome));
        Assert.Equal([orphan], next.Orphans);
    }
}
