using System.Transactions;
using Microsoft.Extensions.Options;
using Npgsql;
using VapiSync.Client.Queue;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>
/// Review (branch review3): the PostgreSQL queue store enlists in a caller's ambient TransactionScope (Npgsql's default).
/// Each test failed on main at 644e47e.
/// </summary>
public sealed class ReviewQueueFindingsTests : IAsyncLifetime
{
    private readonly string _schema = Postgres.NewSchema();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Postgres.ConnectionString is not null)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    private PostgreSqlSyncQueueStore NewStore(string connectionString) =>
        new(Options.Create(new PostgreSqlSyncQueueOptions { ConnectionString = connectionString, Schema = _schema }));

    private static AssistantSyncRequest Request(string agent) =>
        new("org-1", agent, new AssistantDefinition { Name = "Agent", Voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural" } });

    /// <summary>
    /// An enqueue that returned is accepted, as with the in-memory store: a host whose own transaction later rolls back
    /// (the enqueue was one step of a request that failed afterwards) must not silently lose the save.
    /// </summary>
    [PostgresFact]
    public async Task Enqueue_InsideAHostTransactionScopeThatRollsBack_IsStillQueued()
    {
        await using var store = NewStore(Postgres.Required);
        await store.MigrateAsync();
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await store.EnqueueAsync("org-1", "agent", SyncQueueOperation.Save, Request("agent"), DateTimeOffset.UtcNow);
        }

        Assert.NotNull(await store.GetAsync("org-1", "agent"));
    }

    /// <summary>
    /// The store's pool is capped at 4 connections; an enlisted connection stays reserved by its transaction until the
    /// host's scope ends. Four host requests that enqueue inside their own scopes and are still busy then hold the
    /// whole pool, and every other enqueue (and the drainer's claims and renewals) waits and times out.
    /// </summary>
    [PostgresFact]
    public async Task FourHostScopesStillOpen_AnotherEnqueue_DoesNotTimeOutOnThePool()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(Postgres.Required) { Timeout = 3 }.ConnectionString;
        await using var store = NewStore(connectionString);
        await store.MigrateAsync();
        var scopes = new List<TransactionScope>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                await Task.Run(async () =>
                {
                    var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                    scopes.Add(scope);
                    await store.EnqueueAsync("org-1", $"busy-{i}", SyncQueueOperation.Save, Request($"busy-{i}"), DateTimeOffset.UtcNow);
                });
            }

            var entry = await store.EnqueueAsync("org-1", "other", SyncQueueOperation.Save, Request("other"), DateTimeOffset.UtcNow);
            Assert.Equal(1L, entry.Version);
        }
        finally
        {
            foreach (var scope in scopes)
            {
                scope.Dispose();
            }
        }
    }
}
