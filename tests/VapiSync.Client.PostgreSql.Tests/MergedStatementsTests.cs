using Npgsql;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests;

/// <summary>
/// The two statements of a sync — take the lease and read the state; write the state and release the lease — keep the
/// guarantees of the four they replace, and a take that commits as its caller cancels gives the row back.
/// </summary>
public sealed class MergedStatementsTests : IAsyncLifetime
{
    private readonly string _schema = Postgres.NewSchema();
    private FakeVapiServer _vapi = null!;

    public async Task InitializeAsync() => _vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg" });

    public async Task DisposeAsync()
    {
        await _vapi.DisposeAsync();
        if (Postgres.ConnectionString is not null)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    private static AssistantState State(string id) => new(id, "hash", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Deadline(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private string Lease => $"\"{_schema}\".assistant_lease";

    private string StateTable => $"\"{_schema}\".assistant_state";

    [PostgresFact]
    public async Task StaleHolder_WriteAndRelease_Refused_StateAndTheNewHoldersLeaseUnchanged()
    {
        await using var paused = new Instance(_vapi, _schema, o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        await using var other = new Instance(_vapi, _schema);
        var stale = await paused.Store.AcquireLeaseAsync("org-1", "agent", Deadline());

        // The holder "pauses" past its expiry (on the database's clock); another instance takes over and writes.
        await Postgres.ExecuteAsync($"UPDATE {Lease} SET expires_at = clock_timestamp() - interval '1 second'");
        var fresh = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(5));
        await other.Store.SetFencedAsync("org-1", "agent", State("new"), fresh.FencingToken);

        var refused = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => stale.TrySetStateAndReleaseAsync(paused.Store, State("stale")).AsTask());
        await stale.DisposeAsync();

        Assert.Equal(VapiErrorCodes.LeaseLost, refused.ErrorCode);
        Assert.Equal("new", (await other.Store.GetAsync("org-1", "agent"))!.AssistantId);
        Assert.Equal(fresh.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {Lease} WHERE owner IS NOT NULL AND expires_at > clock_timestamp()"));

        // The live holder's own write-and-release goes through, and frees the agent at once.
        Assert.True(await fresh.TrySetStateAndReleaseAsync(other.Store, State("newer"), Deadline()));
        await fresh.DisposeAsync();
        Assert.Equal("newer", (await paused.Store.GetAsync("org-1", "agent"))!.AssistantId);
        Assert.Equal(fresh.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {StateTable}"));
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {Lease} WHERE owner IS NOT NULL"));
        await using var next = await paused.Store.AcquireLeaseAsync("org-1", "agent", Deadline(5));
        Assert.Equal(fresh.FencingToken + 1, next.FencingToken);
    }

    [PostgresFact]
    public async Task WriteAndRelease_OnlyForItsOwnStore_AndOnlyOnce()
    {
        await using var a = new Instance(_vapi, _schema);
        await using var b = new Instance(_vapi, _schema);
        await using var lease = await a.Store.AcquireLeaseAsync("org-1", "agent", Deadline());

        // Another store (even on the same tables) is not this lease's: the caller writes and releases the usual way.
        Assert.False(await lease.TrySetStateAndReleaseAsync(b.Store, State("elsewhere")));
        Assert.False(lease.TryGetPrefetchedState(b.Store, out _));
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {StateTable}"));

        Assert.True(await lease.TrySetStateAndReleaseAsync(a.Store, State("mine")));
        Assert.False(await lease.TrySetStateAndReleaseAsync(a.Store, State("again")));
        Assert.Equal("mine", (await a.Store.GetAsync("org-1", "agent"))!.AssistantId);
    }

    [PostgresFact]
    public async Task Take_ReadsTheStateInTheSameRoundTrip_SeeingTheWriteAndReleaseItWaitedFor()
    {
        await using var a = new Instance(_vapi, _schema);
        await using var b = new Instance(_vapi, _schema);
        await a.Store.SetAsync("org-1", "agent", State("before"));
        var first = await a.Store.AcquireLeaseAsync("org-1", "agent", Deadline());
        Assert.True(first.TryGetPrefetchedState(a.Store, out var seen));
        Assert.Equal("before", seen!.AssistantId);

        // A write-and-release held open mid-transaction: the other instance's take must wait for it to commit...
        await using var dataSource = NpgsqlDataSource.Create(Postgres.Required);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var write = new NpgsqlCommand($"UPDATE {StateTable} SET assistant_id = 'written'; UPDATE {Lease} SET owner = NULL", connection, transaction))
        {
            await write.ExecuteNonQueryAsync();
        }

        var take = b.Store.AcquireLeaseAsync("org-1", "agent", Deadline()).AsTask();
        await WaitUntilBlockedAsync();
        await transaction.CommitAsync();
        await using var second = await take;

        // ...and then read what it wrote, not the state from when its statement began.
        Assert.Equal(first.FencingToken + 1, second.FencingToken);
        Assert.True(second.TryGetPrefetchedState(b.Store, out var read));
        Assert.Equal("written", read!.AssistantId);
        await first.DisposeAsync();
    }

    [PostgresFact]
    public async Task Take_CommitsAsTheCallerCancels_RowReleasedAtOnce_NotHeldUntilExpiry()
    {
        await using var cancelled = new Instance(_vapi, _schema, o => o.LeaseDuration = TimeSpan.FromMinutes(5));
        await using var other = new Instance(_vapi, _schema, o => o.LockTimeout = TimeSpan.FromSeconds(10));
        await (await cancelled.Store.AcquireLeaseAsync("org-1", "agent", Deadline())).DisposeAsync(); // the row exists, free, token 1

        // The free row is locked by someone else's short transaction: the take's statement is running, and waits.
        await using var dataSource = NpgsqlDataSource.Create(Postgres.Required);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM {Lease} FOR UPDATE", connection, transaction))
        {
            await hold.ExecuteNonQueryAsync();
        }

        using var cancel = new CancellationTokenSource();
        var take = cancelled.Store.AcquireLeaseAsync("org-1", "agent", cancel.Token).AsTask();
        await WaitUntilBlockedAsync();

        // The caller gives up while the statement runs; the statement then commits the take.
        await cancel.CancelAsync();
        await transaction.CommitAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2L, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {Lease}")); // it was taken...
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {Lease} WHERE owner IS NOT NULL")); // ...and given back
        await using var next = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(10)); // not after 5 minutes
        Assert.Equal(3L, next.FencingToken);
    }

    /// <summary>Until a statement on this test's lease table waits for a row lock (observed, not slept on).</summary>
    private async Task WaitUntilBlockedAsync()
    {
        var deadline = Deadline(30);
        var blocked = $"SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position('{_schema}' in query) > 0";
        while (!await Postgres.ScalarAsync<bool>(blocked))
        {
            await Task.Delay(10, deadline);
        }
    }
}
