using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests;

public sealed class PostgreSqlStateStoreTests : IAsyncLifetime
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

    private static AssistantSyncRequest Request(string agent, string org = "org-1", string name = "Agent") =>
        new(org, agent, new AssistantDefinition { Name = name, Voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural" } });

    private static CancellationToken Deadline(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private string LeaseTable => $"\"{_schema}\".assistant_lease";

    private string StateTable => $"\"{_schema}\".assistant_state";

    /// <summary>A statement on this test's tables waits for a row lock (for <see cref="WaitUntilAsync"/>: observed, not slept on).</summary>
    private string BlockedOnARowLock => $"SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position('{_schema}' in query) > 0";

    private static AssistantState State(string id) => new(id, "hash", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Moves every lease of the test's schema past its expiry on the database's clock (a pause, without waiting one out).</summary>
    private Task ExpireLeasesAsync() =>
        Postgres.ExecuteAsync($"UPDATE \"{_schema}\".assistant_lease SET expires_at = clock_timestamp() - interval '1 second' WHERE owner IS NOT NULL");

    private static async Task WaitUntilAsync(string condition)
    {
        var deadline = Deadline(30);
        while (!await Postgres.ScalarAsync<bool>(condition))
        {
            await Task.Delay(20, deadline);
        }
    }

    /// <summary>Samples pg_stat_activity until stopped: the most connections each application name had open at once.</summary>
    internal static async Task<Dictionary<string, long>> SamplePeakConnectionsAsync(string applicationNamePattern, CancellationToken stop)
    {
        var peaks = new Dictionary<string, long>();
        await using var dataSource = NpgsqlDataSource.Create(Postgres.WithApplicationName("vapisync-sampler"));
        await using var connection = await dataSource.OpenConnectionAsync();
        while (!stop.IsCancellationRequested)
        {
            await using (var command = new NpgsqlCommand("SELECT application_name, count(*) FROM pg_stat_activity WHERE application_name LIKE $1 GROUP BY 1", connection))
            {
                command.Parameters.AddWithValue(applicationNamePattern);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    peaks[reader.GetString(0)] = Math.Max(peaks.GetValueOrDefault(reader.GetString(0)), reader.GetInt64(1));
                }
            }

            await Task.Delay(10, CancellationToken.None);
        }

        return peaks;
    }

    [PostgresFact]
    public async Task TwoInstances_Save50AgentsConcurrently_Exactly50PostsAnd50Rows()
    {
        await using var a = new Instance(_vapi, _schema);
        await using var b = new Instance(_vapi, _schema);
        var ct = Deadline();
        var agents = Enumerable.Range(0, 50).Select(i => $"agent-{i}").ToList();

        var saves = agents.SelectMany(agent => new[] { a, b }.Select(instance => Task.Run(() => instance.Manager.EnsureAssistantAsync(Request(agent), ct), ct)));
        var results = await Task.WhenAll(saves);

        Assert.Equal(50, _vapi.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(50, _vapi.GetAssistants("default").Count);
        Assert.Equal(50L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".assistant_state"));
        Assert.Equal(50, results.Count(r => r.Outcome == SyncOutcome.Created));
        Assert.Equal(50, results.Count(r => r.Outcome == SyncOutcome.Unchanged));
    }

    [PostgresFact]
    public async Task Restart_NewServiceProvider_SeesStateAsUnchanged()
    {
        string id;
        await using (var first = new Instance(_vapi, _schema))
        {
            id = (await first.Manager.EnsureAssistantAsync(Request("agent"), Deadline())).AssistantId;
        }

        _vapi.ClearRequests();
        await using var restarted = new Instance(_vapi, _schema);
        var result = await restarted.Manager.EnsureAssistantAsync(Request("agent"), Deadline());

        Assert.Equal(SyncOutcome.Unchanged, result.Outcome);
        Assert.Equal(id, result.AssistantId);
        Assert.Empty(_vapi.Requests);
    }

    [PostgresFact]
    public async Task Migration_IsIdempotentAndSafeConcurrently()
    {
        await using var instance = new Instance(_vapi, _schema, o => o.MigrateAutomatically = false);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => instance.Store.MigrateAsync()));
        await instance.Store.MigrateAsync();
        await instance.Store.SetAsync("o", "a", new AssistantState(Guid.NewGuid().ToString(), "hash", DateTimeOffset.UtcNow));
        await instance.Store.MigrateAsync();

        Assert.NotNull(await instance.Store.GetAsync("o", "a"));
        Assert.Contains("CREATE TABLE IF NOT EXISTS", instance.Store.GetMigrationScript(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Migration_Off_TableMissing_FailsClearly()
    {
        await using var instance = new Instance(_vapi, _schema, o => o.MigrateAutomatically = false);

        var ex = await Assert.ThrowsAsync<VapiStateStoreException>(() => instance.Store.GetAsync("o", "a").AsTask());

        Assert.Equal(VapiErrorCodes.StateStoreFailed, ex.ErrorCode);
        Assert.Contains("MigrateAsync", ex.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedTable, Assert.IsType<PostgresException>(ex.InnerException).SqlState);
    }

    [PostgresFact]
    public async Task HostileIds_StoredVerbatimAndHarmless()
    {
        await using var instance = new Instance(_vapi, _schema);
        var org = "o'; DROP TABLE assistant_state; --";
        var agent = "a\"); DELETE FROM pg_catalog.pg_class; --\u0000x".Replace("\u0000", string.Empty, StringComparison.Ordinal);

        var result = await instance.Manager.EnsureAssistantAsync(Request(agent, org), Deadline());
        var state = await instance.Store.GetAsync(org, agent);

        Assert.Equal(result.AssistantId, state!.AssistantId);
        Assert.Equal(1L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".assistant_state WHERE organization_id = 'o''; DROP TABLE assistant_state; --'"));
        Assert.Equal($"{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(agent)}", _vapi.GetAssistants("default").Single()["metadata"]!["vapiSyncKey"]!.GetValue<string>());
    }

    [PostgresFact]
    public async Task Store_CrudRoundTrip_CustomTableName()
    {
        await using var instance = new Instance(_vapi, _schema, o => o.TableName = "vapi_assistants");
        var state = new AssistantState(Guid.NewGuid().ToString(), new string('a', 64), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

        await instance.Store.SetAsync("o", "a", state);
        var read = await instance.Store.GetAsync("o", "a");
        await instance.Store.SetAsync("o", "a", state with { DefinitionHash = "b" });
        var updated = await instance.Store.GetAsync("o", "a");
        var removed = await instance.Store.RemoveAsync("o", "a");

        Assert.Equal(state, read);
        Assert.Equal("b", updated!.DefinitionHash);
        Assert.True(removed);
        Assert.Null(await instance.Store.GetAsync("o", "a"));
        Assert.False(await instance.Store.RemoveAsync("o", "a"));
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".vapi_assistants"));
    }

    [PostgresFact]
    public async Task Lock_WaitBeyondTimeout_ThrowsTypedLockTimeoutAndLeaksNothing()
    {
        await using var instance = new Instance(_vapi, _schema, o => o.LockTimeout = TimeSpan.FromSeconds(1));
        await using var other = new Instance(_vapi, _schema, o => o.LockTimeout = TimeSpan.FromSeconds(1));
        await instance.Store.MigrateAsync();
        await other.Store.GetAsync("org-1", "warm-up"); // its pool has a connection: the timeout measures the wait alone
        await using (await instance.Store.AcquireLeaseAsync("org-1", "agent"))
        {
            // Within the instance (queued in process) and across instances (backing off against the lease row).
            var local = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => instance.Store.AcquireLeaseAsync("org-1", "agent").AsTask());
            var remote = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => other.Store.AcquireLeaseAsync("org-1", "agent").AsTask());
            Assert.Equal(VapiErrorCodes.LockTimeout, local.ErrorCode);
            Assert.Equal(VapiErrorCodes.LockTimeout, remote.ErrorCode);
            Assert.True(remote.IsTransient);
        }

        // Released on dispose: the next acquire is immediate, from the other instance too.
        await using var again = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(5));
        Assert.Equal(1L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".assistant_lease WHERE owner IS NOT NULL"));
    }

    [PostgresFact]
    public async Task Lock_CancelledWhileWaiting_ReleasesAndDoesNotBlockLaterSyncs()
    {
        await using var instance = new Instance(_vapi, _schema);
        await using var other = new Instance(_vapi, _schema);
        var holder = await instance.Store.AcquireLeaseAsync("org-1", "agent");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => other.Store.AcquireLeaseAsync("org-1", "agent", cancel.Token).AsTask());
        await holder.DisposeAsync();
        await using var next = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(5));

        Assert.Equal(holder.FencingToken + 1, next.FencingToken);
    }

    [PostgresFact]
    public async Task Lease_TokensGrowWithEveryAcquisition_AcrossInstances()
    {
        await using var a = new Instance(_vapi, _schema);
        await using var b = new Instance(_vapi, _schema);
        var tokens = new List<long>();
        foreach (var store in new[] { a.Store, b.Store, a.Store, b.Store })
        {
            await using var lease = await store.AcquireLeaseAsync("org-1", "agent", Deadline(5));
            tokens.Add(lease.FencingToken);
        }

        Assert.Equal([1L, 2L, 3L, 4L], tokens);
    }

    [PostgresFact]
    public async Task KilledHolder_LeaseExpires_OtherInstanceProceedsAndTheDeadHolderIsFenced()
    {
        var crashing = new Instance(_vapi, _schema, o => o.LeaseDuration = TimeSpan.FromSeconds(2));
        await using var other = new Instance(_vapi, _schema, o => o.LockTimeout = TimeSpan.FromSeconds(30));
        var dead = await crashing.Store.AcquireLeaseAsync("org-1", "agent");

        // The holder's process dies: its pool closes and nothing renews or releases the lease.
        await crashing.DisposeAsync();
        await using var taken = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(30));

        Assert.Equal(dead.FencingToken + 1, taken.FencingToken);
        await other.Store.SetFencedAsync("org-1", "agent", new AssistantState("new", "h2", DateTimeOffset.UtcNow), taken.FencingToken);
        Assert.Equal("new", (await other.Store.GetAsync("org-1", "agent"))!.AssistantId);
    }

    [PostgresFact]
    public async Task PausedHolder_LeaseTakenByAnother_ItsWritesAreRefusedAndNewerStateSurvives()
    {
        await using var paused = new Instance(_vapi, _schema, o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        await using var other = new Instance(_vapi, _schema);
        var stale = await paused.Store.AcquireLeaseAsync("org-1", "agent");
        await paused.Store.SetFencedAsync("org-1", "agent", new AssistantState("old", "h1", DateTimeOffset.UtcNow), stale.FencingToken);

        // The holder "pauses" past its expiry (moved on the database's clock, not waited for); another takes over.
        await ExpireLeasesAsync();
        await using var fresh = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(5));
        await other.Store.SetFencedAsync("org-1", "agent", new AssistantState("new", "h2", DateTimeOffset.UtcNow), fresh.FencingToken);

        var set = await Assert.ThrowsAsync<VapiSyncLeaseException>(() =>
            paused.Store.SetFencedAsync("org-1", "agent", new AssistantState("stale", "h1", DateTimeOffset.UtcNow), stale.FencingToken).AsTask());
        var remove = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => paused.Store.RemoveFencedAsync("org-1", "agent", stale.FencingToken).AsTask());
        await stale.DisposeAsync(); // releasing a lost lease must not release the new holder's

        Assert.Equal(VapiErrorCodes.LeaseLost, set.ErrorCode);
        Assert.Equal(VapiErrorCodes.LeaseLost, remove.ErrorCode);
        Assert.True(set.IsTransient);
        Assert.Equal("new", (await paused.Store.GetAsync("org-1", "agent"))!.AssistantId);
        Assert.Equal(fresh.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM \"{_schema}\".assistant_lease WHERE owner IS NOT NULL"));
    }

    [PostgresFact]
    public async Task StaleHolder_WriteAndRelease_Refused_StateAndTheNewHoldersLeaseUnchanged()
    {
        await using var paused = new Instance(_vapi, _schema, o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        await using var other = new Instance(_vapi, _schema);
        var stale = await paused.Store.AcquireLeaseAsync("org-1", "agent", Deadline());

        // The holder "pauses" past its expiry (on the database's clock); another instance takes over and writes.
        await ExpireLeasesAsync();
        var fresh = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(5));
        await other.Store.SetFencedAsync("org-1", "agent", State("new"), fresh.FencingToken);

        var refused = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => stale.TrySetStateAndReleaseAsync(paused.Store, State("stale")).AsTask());
        await stale.DisposeAsync();

        Assert.Equal(VapiErrorCodes.LeaseLost, refused.ErrorCode);
        Assert.Equal("new", (await other.Store.GetAsync("org-1", "agent"))!.AssistantId);
        Assert.Equal(fresh.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {LeaseTable} WHERE owner IS NOT NULL AND expires_at > clock_timestamp()"));

        // The live holder's own write-and-release goes through, and frees the agent at once.
        Assert.True(await fresh.TrySetStateAndReleaseAsync(other.Store, State("newer"), Deadline()));
        await fresh.DisposeAsync();
        Assert.Equal("newer", (await paused.Store.GetAsync("org-1", "agent"))!.AssistantId);
        Assert.Equal(fresh.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {StateTable}"));
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {LeaseTable} WHERE owner IS NOT NULL"));
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
        await using (var write = new NpgsqlCommand($"UPDATE {StateTable} SET assistant_id = 'written'; UPDATE {LeaseTable} SET owner = NULL", connection, transaction))
        {
            await write.ExecuteNonQueryAsync();
        }

        var take = b.Store.AcquireLeaseAsync("org-1", "agent", Deadline()).AsTask();
        await WaitUntilAsync(BlockedOnARowLock);
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
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM {LeaseTable} FOR UPDATE", connection, transaction))
        {
            await hold.ExecuteNonQueryAsync();
        }

        using var cancel = new CancellationTokenSource();
        var take = cancelled.Store.AcquireLeaseAsync("org-1", "agent", cancel.Token).AsTask();
        await WaitUntilAsync(BlockedOnARowLock);

        // The caller gives up while the statement runs; the statement then commits the take.
        await cancel.CancelAsync();
        await transaction.CommitAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => take.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2L, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {LeaseTable}")); // it was taken...
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {LeaseTable} WHERE owner IS NOT NULL")); // ...and given back
        await using var next = await other.Store.AcquireLeaseAsync("org-1", "agent", Deadline(10)); // not after 5 minutes
        Assert.Equal(3L, next.FencingToken);
    }

    /// <summary>Holds the named agents' lease rows locked in a transaction of the test's own, so a statement that needs them waits.</summary>
    private async Task<(NpgsqlDataSource DataSource, NpgsqlConnection Connection, NpgsqlTransaction Transaction)> LockLeaseRowsAsync(params string[] agents)
    {
        var dataSource = NpgsqlDataSource.Create(Postgres.Required);
        var connection = await dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var hold = new NpgsqlCommand($"SELECT 1 FROM {LeaseTable} WHERE agent_key = ANY($1) FOR UPDATE", connection, transaction);
        hold.Parameters.AddWithValue(agents);
        await hold.ExecuteNonQueryAsync();
        return (dataSource, connection, transaction);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Deadline(30);
        while (!condition())
        {
            await Task.Delay(10, deadline);
        }
    }

    [PostgresFact]
    public async Task BatchedTake_TakenAndBusyAgentsInOneStatement_EachGetsItsOwnResult()
    {
        await using var a = new Instance(_vapi, _schema);
        await using var b = new Instance(_vapi, _schema);
        await (await a.Store.AcquireLeaseAsync("org-1", "blocker", Deadline())).DisposeAsync(); // token 1, free
        await a.Store.SetAsync("org-1", "free-1", State("stored"));
        await using var held = await b.Store.AcquireLeaseAsync("org-1", "busy", Deadline());

        // A take that waits on a row lock keeps its batch running: the takes that arrive meanwhile queue for the next.
        var (dataSource, connection, transaction) = await LockLeaseRowsAsync("blocker");
        await using (dataSource)
        await using (connection)
        await using (transaction)
        {
            var blocked = a.Store.TryTakeAsync("org-1", "blocker", Deadline());
            await WaitUntilAsync(BlockedOnARowLock);
            var before = a.Store.BatchedStatements.Takes;
            var takes = new[] { "free-1", "busy", "free-2" }.Select(agent => a.Store.TryTakeAsync("org-1", agent, Deadline())).ToArray();
            Assert.Equal(3, a.Store.Queued.Takes);
            await transaction.CommitAsync();

            var results = await Task.WhenAll(takes).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(2L, (await blocked)!.Value.Token);
            Assert.Equal(before + 1, a.Store.BatchedStatements.Takes); // the three went in one statement
            Assert.Equal(1L, results[0]!.Value.Token);
            Assert.Equal("stored", results[0]!.Value.State.State!.AssistantId); // its state, read in the same round trip
            Assert.Null(results[1]); // another instance's live lease: busy, untouched
            Assert.Equal(1L, results[2]!.Value.Token);
            Assert.Null(results[2]!.Value.State.State);
            Assert.Equal(held.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {LeaseTable} WHERE agent_key = 'busy' AND owner IS NOT NULL"));
        }
    }

    [PostgresFact]
    public async Task BatchedWriteAndRelease_WrittenAndFencedOutInOneStatement_EachLeaseGetsItsOwnOutcome()
    {
        await using var a = new Instance(_vapi, _schema, o => o.LeaseDuration = TimeSpan.FromMinutes(1));
        await using var b = new Instance(_vapi, _schema);
        await using var blocker = await a.Store.AcquireLeaseAsync("org-1", "blocker", Deadline());
        await using var good = await a.Store.AcquireLeaseAsync("org-1", "good", Deadline());
        await using var stale = await a.Store.AcquireLeaseAsync("org-1", "stale", Deadline());

        // The "stale" holder pauses past its expiry and another instance takes that agent over.
        await Postgres.ExecuteAsync($"UPDATE {LeaseTable} SET expires_at = clock_timestamp() - interval '1 second' WHERE agent_key = 'stale'");
        await using var fresh = await b.Store.AcquireLeaseAsync("org-1", "stale", Deadline(5));

        var (dataSource, connection, transaction) = await LockLeaseRowsAsync("blocker");
        await using (dataSource)
        await using (connection)
        await using (transaction)
        {
            var first = blocker.TrySetStateAndReleaseAsync(a.Store, State("blocker"), Deadline()).AsTask();
            await WaitUntilAsync(BlockedOnARowLock);
            var before = a.Store.BatchedStatements.Writes;
            var goodWrite = good.TrySetStateAndReleaseAsync(a.Store, State("good"), Deadline()).AsTask();
            var staleWrite = stale.TrySetStateAndReleaseAsync(a.Store, State("stale"), Deadline()).AsTask();
            await WaitUntilAsync(() => a.Store.Queued.Writes == 2);
            await transaction.CommitAsync();

            Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.True(await goodWrite.WaitAsync(TimeSpan.FromSeconds(30)));
            var refused = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => staleWrite.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(VapiErrorCodes.LeaseLost, refused.ErrorCode);
            Assert.Equal(before + 1, a.Store.BatchedStatements.Writes); // the two went in one statement
        }

        Assert.Equal("good", (await a.Store.GetAsync("org-1", "good"))!.AssistantId);
        Assert.Equal(good.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {StateTable} WHERE agent_key = 'good'"));
        Assert.Null(await a.Store.GetAsync("org-1", "stale"));
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {LeaseTable} WHERE owner IS NOT NULL AND agent_key <> 'stale'"));
        Assert.Equal(fresh.FencingToken, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM {LeaseTable} WHERE agent_key = 'stale' AND owner IS NOT NULL AND expires_at > clock_timestamp()"));
    }

    [PostgresFact]
    public async Task BatchedTake_StatementFails_EveryTakeOfThatBatchFailsTyped_AndTheNextWorks()
    {
        await using var a = new Instance(_vapi, _schema);
        foreach (var agent in new[] { "blocker", "a" })
        {
            await (await a.Store.AcquireLeaseAsync("org-1", agent, Deadline())).DisposeAsync();
        }

        var first = await LockLeaseRowsAsync("blocker");
        var second = await LockLeaseRowsAsync("a");
        try
        {
            var blocked = a.Store.TryTakeAsync("org-1", "blocker", Deadline());
            await WaitUntilAsync(BlockedOnARowLock);
            var takes = new[] { "a", "b", "c" }.Select(agent => a.Store.TryTakeAsync("org-1", agent, Deadline())).ToArray();
            await first.Transaction.CommitAsync();
            await blocked.WaitAsync(TimeSpan.FromSeconds(30));

            // The batch of a, b, c now waits on a's row; its connection dies mid-statement.
            await WaitUntilAsync(() => a.Store.Queued.Takes == 0);
            await WaitUntilAsync(BlockedOnARowLock);
            Assert.True(await Postgres.ScalarAsync<bool>($"SELECT bool_or(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position('{_schema}' in query) > 0"));

            foreach (var take in takes)
            {
                var ex = await Assert.ThrowsAsync<VapiStateStoreException>(() => take.WaitAsync(TimeSpan.FromSeconds(30)));
                Assert.True(ex.IsTransient);
            }
        }
        finally
        {
            await second.Transaction.RollbackAsync();
            foreach (var (dataSource, connection, transaction) in new[] { first, second })
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                await dataSource.DisposeAsync();
            }
        }

        Assert.Equal(2L, (await a.Store.TryTakeAsync("org-1", "a", Deadline()))!.Value.Token); // nothing was taken by the failed batch
        Assert.Equal(1L, (await a.Store.TryTakeAsync("org-1", "b", Deadline()))!.Value.Token);
    }

    [PostgresFact]
    public async Task PausedHolder_MidSync_LeaseExpires_SyncFailsWithLeaseLostAndWritesNothing()
    {
        await using var slowVapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg", Latency = TimeSpan.FromSeconds(20) });
        await using var instance = new Instance(slowVapi, _schema, o => o.LeaseDuration = TimeSpan.FromSeconds(3));
        await instance.Store.MigrateAsync();
        var sync = instance.Manager.EnsureAssistantAsync(Request("agent"), Deadline());

        // Once the sync holds its lease (and waits on Vapi), its lease expires as if the process had been paused.
        await WaitUntilAsync($"SELECT count(*) > 0 FROM \"{_schema}\".assistant_lease WHERE owner IS NOT NULL");
        await ExpireLeasesAsync();

        var ex = await Assert.ThrowsAsync<VapiSyncLeaseException>(() => sync.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(VapiErrorCodes.LeaseLost, ex.ErrorCode);
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".assistant_state"));
    }

    [PostgresFact]
    public async Task SlowVapiCall_LongerThanTheLease_LeaseIsRenewed_OnePostNoTakeover()
    {
        // A lease of 4 s renews every 1.3 s and counts as lost after 2.7 s without a renewal: long enough that a loaded CI
        // machine's late timers do not lose it, short enough that the calls below outlast it twice over.
        await using var slowVapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg", Latency = TimeSpan.FromSeconds(5) });
        await using var a = new Instance(slowVapi, _schema, o => o.LeaseDuration = TimeSpan.FromSeconds(4));
        await using var b = new Instance(slowVapi, _schema, o => o.LeaseDuration = TimeSpan.FromSeconds(4));

        // Each sync of a new agent takes two calls of 5 s (listing, then POST): two and a half times the lease without renewal.
        var results = await Task.WhenAll(a.Manager.EnsureAssistantAsync(Request("agent"), Deadline()), b.Manager.EnsureAssistantAsync(Request("agent"), Deadline()));

        Assert.Equal(1, slowVapi.Requests.Count(r => r.Method == "POST"));
        Assert.Equal([SyncOutcome.Created, SyncOutcome.Unchanged], results.Select(r => r.Outcome).Order());
        Assert.Equal(2L, await Postgres.ScalarAsync<long>($"SELECT fencing_token FROM \"{_schema}\".assistant_lease"));
    }

    [PostgresFact]
    public async Task FourInstances_100AgentsEach_200msVapiLatency_Exactly100PostsAnd100Rows_AtMost4ConnectionsPerInstance()
    {
        await using var vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg", Latency = TimeSpan.FromMilliseconds(200) });
        var tag = _schema[2..10];
        var instances = Enumerable.Range(0, 4).Select(i => new Instance(vapi, _schema, applicationName: $"vapisync-{tag}-{i}")).ToArray();
        try
        {
            using var stop = new CancellationTokenSource();
            var sampling = SamplePeakConnectionsAsync($"vapisync-{tag}-%", stop.Token);
            var ct = Deadline(120);
            var agents = Enumerable.Range(0, 100).Select(i => $"agent-{i}").ToList();

            // Every instance saves every agent at once: 400 concurrent syncs, 100 per instance.
            var results = await Task.WhenAll(instances.Select(instance => instance.Manager.EnsureAssistantsAsync(
                agents.Select(agent => Request(agent)), new BulkSyncOptions { MaxDegreeOfParallelism = 100 }, ct)));
            await stop.CancelAsync();
            var peaks = await sampling;

            Assert.All(results.SelectMany(r => r), r => Assert.True(r.Succeeded, r.Error?.ToString()));
            Assert.Equal(100, vapi.Requests.Count(r => r.Method == "POST"));
            Assert.Equal(100, vapi.GetAssistants("default").Count);
            Assert.Equal(100L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".assistant_state"));
            Assert.Equal(4, peaks.Count);
            Assert.All(peaks.Values, peak => Assert.InRange(peak, 1, 4)); // MaxConcurrentOperations' default
            Console.WriteLine($"peak connections per instance: {string.Join(", ", peaks.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}");
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task Migration_FromThePreviousSchema_AddsColumnsAndLeaseTableAndKeepsRows()
    {
        await Postgres.ExecuteAsync($"""
            CREATE SCHEMA "{_schema}";
            CREATE TABLE "{_schema}".assistant_state (
                organization_id text NOT NULL, agent_key text NOT NULL, assistant_id text NOT NULL,
                definition_hash text NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (organization_id, agent_key));
            INSERT INTO "{_schema}".assistant_state VALUES ('o', 'a', 'asst-old', 'hash-old', '2026-01-02T03:04:05Z');
            """);
        await using var instance = new Instance(_vapi, _schema, o => o.MigrateAutomatically = false);

        await instance.Store.MigrateAsync();
        await instance.Store.MigrateAsync();
        var old = await instance.Store.GetAsync("o", "a");
        var orphan = new OrphanedAssistant("asst-gone", "fp-old", new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        await using (var lease = await instance.Store.AcquireLeaseAsync("o", "a", Deadline(5)))
        {
            await instance.Store.SetFencedAsync("o", "a", old! with { AccountFingerprint = "fp-new", LastOutcome = SyncOutcome.Moved, Orphans = [orphan] }, lease.FencingToken);
        }

        var updated = await instance.Store.GetAsync("o", "a");

        Assert.Equal(new AssistantState("asst-old", "hash-old", new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)), old with { Orphans = [] });
        Assert.Null(old!.AccountFingerprint);
        Assert.Null(old.LastOutcome);
        Assert.Empty(old.Orphans);
        Assert.Equal("fp-new", updated!.AccountFingerprint);
        Assert.Equal(SyncOutcome.Moved, updated.LastOutcome);
        Assert.Equal([orphan], updated.Orphans);
    }

    [PostgresFact]
    public async Task List_KeysetPagedAcrossPages_OrderedAndFilteredLikeTheInMemoryStore()
    {
        await using var instance = new Instance(_vapi, _schema);
        await instance.Store.MigrateAsync();
        await Postgres.ExecuteAsync($"""
            INSERT INTO "{_schema}".assistant_state (organization_id, agent_key, assistant_id, definition_hash, updated_at)
            SELECT 'org-' || (i % 3), 'agent-' || i, 'asst-' || i, 'h', now() FROM generate_series(1, 1200) AS i
            """);
        var expected = Enumerable.Range(1, 1200).Select(i => (Org: $"org-{i % 3}", Agent: $"agent-{i}"))
            .OrderBy(e => e.Org, StringComparer.Ordinal).ThenBy(e => e.Agent, StringComparer.Ordinal).ToList();

        var all = await instance.Store.ListAsync().Select(e => (Org: e.OrganizationId, Agent: e.AgentKey)).ToListAsync();
        var one = await instance.Store.ListAsync("org-1").Select(e => (Org: e.OrganizationId, Agent: e.AgentKey)).ToListAsync();

        Assert.Equal(expected, all);
        Assert.Equal(expected.Where(e => e.Org == "org-1"), one);
    }

    [PostgresFact]
    public async Task Ids_NulOrLoneSurrogate_RejectedBeforeAnyIo_LikeEveryStore()
    {
        await using var instance = new Instance(_vapi, _schema);

        foreach (var (org, agent) in new[] { ("org-1", "a\u0000b"), ("o\u0000", "agent"), ("org-1", "a\ud800"), ("\udc00", "agent") })
        {
            var ex = await Assert.ThrowsAsync<VapiValidationException>(() => instance.Manager.EnsureAssistantAsync(Request(agent, org), Deadline()));
            Assert.Equal(VapiErrorCodes.ValidationFailed, ex.ErrorCode);
        }

        Assert.Empty(_vapi.Requests);
        Assert.Equal(0L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM pg_namespace WHERE nspname = '{_schema}'"));
    }

    [Fact]
    public async Task Options_BoundFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionString"] = "Host=db.example;Database=vapi",
            ["Schema"] = "sync",
            ["LeaseDuration"] = "00:00:45",
            ["MaxConcurrentOperations"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddVapiSync(o => o.PlatformApiKey = "sk-x").UsePostgreSqlStateStore(configuration);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<PostgreSqlStateStoreOptions>>().Value;

        Assert.Equal(("Host=db.example;Database=vapi", "sync", TimeSpan.FromSeconds(45), 2), (options.ConnectionString, options.Schema, options.LeaseDuration, options.MaxConcurrentOperations));
        Assert.IsType<PostgreSqlStateStore>(provider.GetRequiredService<IAssistantSyncLock>());
    }

    [PostgresFact]
    public async Task DataSource_OwnedByTheApplication_UsedAndNotDisposedByTheStore()
    {
        await using var dataSource = NpgsqlDataSource.Create(Postgres.Required);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(o =>
            {
                o.BaseUrl = _vapi.BaseAddress;
                o.PlatformApiKey = "sk-pg";
            })
            .UsePostgreSqlStateStore(dataSource, o => o.Schema = _schema);
        await using (var provider = services.BuildServiceProvider())
        {
            var result = await provider.GetRequiredService<IVapiAssistantManager>().EnsureAssistantAsync(Request("agent"), Deadline());
            Assert.Equal(SyncOutcome.Created, result.Outcome);
        }

        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM \"{_schema}\".assistant_state");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void Options_InvalidSchemaName_RejectedBeforeAnySql()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new PostgreSqlStateStoreOptions { ConnectionString = "Host=127.0.0.1", Schema = "x\"; DROP" });

        Assert.Throws<ArgumentException>(() => new PostgreSqlStateStore(options));
    }

    [Fact]
    public async Task DatabaseUnreachable_EveryCallAndSync_FailsWithTypedTransientStateStoreException()
    {
        // A loopback port nobody listens on: the connection is refused at once.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var services = new ServiceCollection();
        services.AddVapiSync(o =>
            {
                o.BaseUrl = _vapi.BaseAddress;
                o.PlatformApiKey = "sk-pg";
            })
            .UsePostgreSqlStateStore($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=5", o => o.Schema = _schema);
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<PostgreSqlStateStore>();
        var manager = provider.GetRequiredService<IVapiAssistantManager>();

        var failures = new List<VapiStateStoreException>
        {
            await Assert.ThrowsAsync<VapiStateStoreException>(() => store.GetAsync("o", "a").AsTask()),
            await Assert.ThrowsAsync<VapiStateStoreException>(() => store.SetAsync("o", "a", new AssistantState("x", "h", DateTimeOffset.UtcNow)).AsTask()),
            await Assert.ThrowsAsync<VapiStateStoreException>(() => store.MigrateAsync()),
            await Assert.ThrowsAsync<VapiStateStoreException>(() => store.AcquireLeaseAsync("o", "a").AsTask()),
            await Assert.ThrowsAsync<VapiStateStoreException>(() => manager.EnsureAssistantAsync(Request("agent"), Deadline(30))),
        };

        Assert.All(failures, f => Assert.Equal(VapiErrorCodes.StateStoreFailed, f.ErrorCode));
        Assert.All(failures, f => Assert.True(f.IsTransient));
        Assert.All(failures, f => Assert.IsAssignableFrom<NpgsqlException>(f.InnerException));
        Assert.Empty(_vapi.Requests);
    }

    [PostgresFact]
    public async Task StoreDisposed_LaterCalls_FailTyped_NotRawObjectDisposed()
    {
        var instance = new Instance(_vapi, _schema);
        await instance.Store.MigrateAsync();
        var store = instance.Store;
        await instance.DisposeAsync();

        var ex = await Assert.ThrowsAsync<VapiStateStoreException>(() => store.GetAsync("o", "a").AsTask());

        Assert.IsType<ObjectDisposedException>(ex.InnerException);
    }
}
