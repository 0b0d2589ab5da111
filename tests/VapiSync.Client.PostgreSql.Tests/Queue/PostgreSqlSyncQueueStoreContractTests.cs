using Microsoft.Extensions.Options;
using VapiSync.Client.Queue;
using VapiSync.Client.Tests.Queue;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>The store contract (shared with the in-memory store) against a real PostgreSQL, each store in a fresh schema.</summary>
public sealed class PostgreSqlSyncQueueStoreContractTests : SyncQueueStoreContract, IAsyncLifetime
{
    private readonly List<(string Schema, PostgreSqlSyncQueueStore Store)> _stores = [];

    protected override long ModelIterations => 20;

    protected override Task<ISyncQueueStore> CreateStoreAsync()
    {
        var schema = Postgres.NewSchema();
        var store = new PostgreSqlSyncQueueStore(Options.Create(new PostgreSqlSyncQueueOptions { ConnectionString = Postgres.Required, Schema = schema }));
        lock (_stores)
        {
            _stores.Add((schema, store));
        }

        return Task.FromResult<ISyncQueueStore>(store);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (schema, store) in _stores)
        {
            await store.DisposeAsync();
            await Postgres.DropSchemaAsync(schema);
        }
    }
}
