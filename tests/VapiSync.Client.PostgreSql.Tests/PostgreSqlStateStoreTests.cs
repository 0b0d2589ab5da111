using System.Text.Json.Nodes;
using Npgsql;
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
    public async Task CrashedLockHolder_ConnectionKilled_OthersProceed()
    {
        await using var crashing = new Instance(_vapi, _schema);
        await using var other = new Instance(_vapi, _schema, o => o.LockTimeout = TimeSpan.FromSeconds(30));
        await crashing.Store.MigrateAsync();
        var holder = await crashing.Store.AcquireAsync("org-1", "agent");
        var waiter = other.Store.AcquireAsync("org-1", "agent", Deadline(30)).AsTask();
        await Assert.ThrowsAsync<TimeoutException>(() => waiter.WaitAsync(TimeSpan.FromMilliseconds(200)));

        // The holder's process "crashes": its session is killed, PostgreSQL releases the lock with it.
        var key = PostgreSqlStateStore.LockKey("org-1", "agent");
        var killed = await Postgres.ScalarAsync<bool>($"""
            SELECT pg_terminate_backend(l.pid) FROM pg_locks l
            WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = {key}
            """);
        var acquired = await waiter.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(killed);
        await acquired.DisposeAsync();
        await holder.DisposeAsync(); // its connection is gone: disposing must not throw
    }

    [PostgresFact]
    public async Task Lock_WaitBeyondTimeout_ThrowsTimeoutAndLeaksNothing()
    {
        await using var instance = new Instance(_vapi, _schema, o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        await using var other = new Instance(_vapi, _schema, o => o.LockTimeout = TimeSpan.FromMilliseconds(300));
        await instance.Store.MigrateAsync();
        await using (await instance.Store.AcquireAsync("org-1", "agent"))
        {
            // Within the instance (queued in process) and across instances (queued in PostgreSQL).
            await Assert.ThrowsAsync<TimeoutException>(() => instance.Store.AcquireAsync("org-1", "agent").AsTask());
            await Assert.ThrowsAsync<TimeoutException>(() => other.Store.AcquireAsync("org-1", "agent").AsTask());
        }

        // Released on dispose: the next acquire is immediate.
        await using var again = await instance.Store.AcquireAsync("org-1", "agent", Deadline(5));
        Assert.Equal(1L, await Postgres.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"));
    }

    [PostgresFact]
    public async Task Lock_CancelledWhileWaiting_ReleasesAndDoesNotBlockLaterSyncs()
    {
        await using var instance = new Instance(_vapi, _schema);
        await using var other = new Instance(_vapi, _schema);
        await instance.Store.MigrateAsync();
        var holder = await instance.Store.AcquireAsync("org-1", "agent");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => other.Store.AcquireAsync("org-1", "agent", cancel.Token).AsTask());
        await holder.DisposeAsync();
        await using var next = await instance.Store.AcquireAsync("org-1", "agent", Deadline(5));

        Assert.Equal(1L, await Postgres.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"));
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

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => instance.Store.GetAsync("o", "a").AsTask());

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

    [Fact]
    public void Options_InvalidSchemaName_RejectedBeforeAnySql()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new PostgreSqlStateStoreOptions { ConnectionString = "Host=127.0.0.1", Schema = "x\"; DROP" });

        Assert.Throws<ArgumentException>(() => new PostgreSqlStateStore(options));
    }
}
