using Microsoft.Extensions.Options;
using VapiSync.Client.Queue;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>One row whose stored request cannot be read must not fail (or strand) the claim batch it is part of: it is parked.</summary>
public sealed class PostgreSqlSyncQueuePoisonRowTests
{
    [PostgresFact]
    public async Task Claim_WithOneUnreadableRow_ReturnsTheGoodItemsAndParksTheUnreadableOne()
    {
        var schema = Postgres.NewSchema();
        try
        {
            await using var store = new PostgreSqlSyncQueueStore(Options.Create(new PostgreSqlSyncQueueOptions { ConnectionString = Postgres.Required, Schema = schema }));
            var now = DateTimeOffset.UtcNow;
            await store.EnqueueAsync("org", "poison", SyncQueueOperation.Save, new AssistantSyncRequest("org", "poison", new AssistantDefinition { Name = "p" }), now.AddSeconds(-2));
            await store.EnqueueAsync("org", "good", SyncQueueOperation.Save, new AssistantSyncRequest("org", "good", new AssistantDefinition { Name = "g" }), now.AddSeconds(-1));
            await Postgres.ExecuteAsync($"UPDATE \"{schema}\".sync_queue SET request = '{{\"definition\": 42}}'::jsonb WHERE agent_key = 'poison'");

            IReadOnlyList<SyncQueueWorkItem>? claimed = null;
            var error = await Record.ExceptionAsync(async () => claimed = await store.ClaimAsync(10, TimeSpan.FromMinutes(5), now));

            var good = await store.GetAsync("org", "good");
            var goodReturned = claimed?.Any(i => i.AgentKey == "good") == true;
            var problems = new List<string>();
            if (error is not (null or VapiSyncException))
            {
                problems.Add($"ClaimAsync threw untyped {error.GetType().FullName}: {error.Message}");
            }

            if (!goodReturned && good!.State == SyncQueueState.Processing)
            {
                problems.Add($"'good' is {good.State} (claimed in the database) but no claimer got it: it waits for the lease to expire, and every re-claim fails the same way");
            }

            Assert.True(problems.Count == 0, string.Join(" | ", problems));
            Assert.Null(error);
            Assert.True(goodReturned);
            var poison = await store.GetAsync("org", "poison");
            Assert.Equal(SyncQueueState.Parked, poison!.State);
            Assert.Contains("cannot be read", poison.ParkedReason, StringComparison.Ordinal);
        }
        finally
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }
}
