using System.Transactions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests;

/// <summary>
/// Review (branch review3): defects found in the PostgreSQL state store after the batching merge. Each test failed on
/// main at 644e47e.
/// </summary>
public sealed class ReviewFindingsTests : IAsyncLifetime
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

    private static CancellationToken Deadline(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static AssistantSyncRequest Request(string agent) =>
        new("org-1", agent, new AssistantDefinition { Name = "Agent", Voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural" } });

    private string LeaseTable => $"\"{_schema}\".assistant_lease";

    /// <summary>
    /// A host that saves inside its own <see cref="TransactionScope"/> (an EF Core unit of work, say) and rolls it back
    /// must not roll back the library's lease and state rows: the assistant exists in Vapi either way, and losing its
    /// state row makes the next sync create a second one. Npgsql enlists in an ambient transaction by default.
    /// </summary>
    [PostgresFact]
    public async Task Sync_InsideHostTransactionScopeThatRollsBack_StateRowIsStillStored()
    {
        await using var instance = new Instance(_vapi, _schema);
        await instance.Store.MigrateAsync();
        string assistantId;
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            assistantId = (await instance.Manager.EnsureAssistantAsync(Request("agent"), Deadline())).AssistantId;

            // not completed: the host's own work failed and its transaction rolls back
        }

        var state = await instance.Store.GetAsync("org-1", "agent", Deadline());
        Assert.NotNull(state);
        Assert.Equal(assistantId, state.AssistantId);
    }

    /// <summary>
    /// The batcher's drain loop runs in the execution context of whichever caller started it, so a take of a caller
    /// outside any transaction rides in another caller's ambient transaction: when that one rolls back, the first
    /// caller believes it holds a lease whose row never committed, and another instance takes the same agent at once.
    /// </summary>
    [PostgresFact]
    public async Task BatchedTake_OfACallerOutsideAnyTransaction_IsNotRolledBackWithAnotherCallersScope()
    {
        await using var a = new Instance(_vapi, _schema);
        await using var b = new Instance(_vapi, _schema);
        await a.Store.MigrateAsync();
        Task<(long Token, Internal.StateRead State)?> outside;
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            var inside = a.Store.TryTakeAsync("org-1", "inside", Deadline());
            using (new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled))
            {
                outside = a.Store.TryTakeAsync("org-1", "outside", Deadline());
            }

            await Task.WhenAll(inside, outside).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.NotNull(await outside); // a believes it holds "outside"

        // ... so no other instance may take it now.
        Assert.Null(await b.Store.TryTakeAsync("org-1", "outside", Deadline()));
        Assert.Equal(1L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {LeaseTable} WHERE agent_key = 'outside' AND owner IS NOT NULL"));
    }
    private string BlockedOnARowLock => $"SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position('{_schema}' in query) > 0";

    private static async Task WaitUntilAsync(string condition)
    {
        var deadline = Deadline(30);
        while (!await Postgres.ScalarAsync<bool>(condition))
        {
            await Task.Delay(20, deadline);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = Deadline(30);
        while (!condition())
        {
            await Task.Delay(10, deadline);
        }
    }

    /// <summary>An open transaction on another connection that has run <paramref name="sql"/> (so it holds its row locks).</summary>
    private static async Task<(NpgsqlDataSource DataSource, NpgsqlConnection Connection, NpgsqlTransaction Transaction)> HoldAsync(string sql)
    {
        var dataSource = NpgsqlDataSource.Create(Postgres.Required);
        var connection = await dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
        return (dataSource, connection, transaction);
    }

    /// <summary>
    /// An application's own data source may carry session defaults: here the database's or role's
    /// <c>default_transaction_isolation = 'repeatable read'</c> (a common hardening). The batched take relies on READ
    /// COMMITTED (its read is a second statement "whose snapshot is taken after the take"); under REPEATABLE READ a take
    /// that waited for another holder's commit fails with 40001, and with batching it takes every other agent of its
    /// statement down with it. An uncontended agent must still get its lease.
    /// </summary>
    [PostgresFact]
    public async Task BatchedTake_OnADataSourceDefaultingToRepeatableRead_AnUncontendedAgentStillGetsItsLease()
    {
        var builder = new NpgsqlConnectionStringBuilder(Postgres.Required) { Options = "-c default_transaction_isolation=repeatable\\ read" };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        await using var store = new PostgreSqlStateStore(dataSource, Options.Create(new PostgreSqlStateStoreOptions { Schema = _schema }), TimeProvider.System, NullLogger<PostgreSqlStateStore>.Instance);
        await store.MigrateAsync();
        foreach (var agent in new[] { "gate", "contended" })
        {
            await (await store.AcquireLeaseAsync("org-1", agent, Deadline())).DisposeAsync(); // rows exist, free
        }

        // Another instance is mid-way through a write (its transaction has updated "contended"'s lease row).
        var writer = await HoldAsync($"UPDATE {LeaseTable} SET expires_at = clock_timestamp() WHERE agent_key = 'contended'");
        var gate = await HoldAsync($"SELECT 1 FROM {LeaseTable} WHERE agent_key = 'gate' FOR UPDATE");
        try
        {
            // Hold the take loop on "gate" so that "contended" and "uncontended" go together in the next statement.
            var gateTake = store.TryTakeAsync("org-1", "gate", Deadline());
            await WaitUntilAsync(BlockedOnARowLock);
            var contended = store.TryTakeAsync("org-1", "contended", Deadline());
            var uncontended = store.TryTakeAsync("org-1", "uncontended", Deadline());
            await WaitUntilAsync(() => store.Queued.Takes == 2);
            await gate.Transaction.CommitAsync();
            await gateTake.WaitAsync(TimeSpan.FromSeconds(30));

            await WaitUntilAsync(() => store.Queued.Takes == 0);
            await WaitUntilAsync(BlockedOnARowLock); // the batch waits for the writer
            await writer.Transaction.CommitAsync();

            await Task.WhenAny(contended, uncontended).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(await uncontended.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.NotNull(await contended.WaitAsync(TimeSpan.FromSeconds(30))); // released by the writer: free again
        }
        finally
        {
            foreach (var (source, connection, transaction) in new[] { writer, gate })
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
                await source.DisposeAsync();
            }
        }
    }
    /// <summary>Guard for the fix above: a lease statement that fails inside its transaction leaves no aborted transaction on the pooled connection.</summary>
    [PostgresFact]
    public async Task FailedTake_OnTheOnlyPooledConnection_TheNextStatementsStillWork()
    {
        await using var a = new Instance(_vapi, _schema, o => o.MaxConcurrentOperations = 1);
        await a.Store.MigrateAsync();
        await Assert.ThrowsAsync<VapiStateStoreException>(() => a.Store.TryTakeAsync("org-1", "bad\0key", Deadline()));
        Assert.Equal(1L, (await a.Store.TryTakeAsync("org-1", "good", Deadline()))!.Value.Token);
        await using var lease = await a.Store.AcquireLeaseAsync("org-1", "other", Deadline());
        Assert.True(await lease.TrySetStateAndReleaseAsync(a.Store, new AssistantState("asst", "hash", DateTimeOffset.UnixEpoch), Deadline()));
    }
}
