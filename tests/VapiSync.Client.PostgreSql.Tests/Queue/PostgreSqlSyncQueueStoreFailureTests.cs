using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using VapiSync.Client.Queue;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>A database failure reaches the host as the library's typed exception, never as a raw Npgsql one.</summary>
public sealed class PostgreSqlSyncQueueStoreFailureTests
{
    [Fact]
    public async Task UnreachableDatabase_EveryPublicCall_ThrowsTypedTransientStoreException()
    {
        await using var store = new PostgreSqlSyncQueueStore(Options.Create(new PostgreSqlSyncQueueOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={ClosedPort()};Username=u;Password=secret-pw;Timeout=2",
        }));
        var now = DateTimeOffset.UnixEpoch;
        var request = new AssistantSyncRequest("org", "agent", new AssistantDefinition { Name = "a" });
        Func<Task>[] calls =
        [
            async () => await store.EnqueueAsync("org", "agent", SyncQueueOperation.Save, request, now),
            async () => await store.ClaimAsync(1, TimeSpan.FromMinutes(1), now),
            async () => await store.GetAsync("org", "agent"),
            async () => await store.ListAsync(new SyncQueueQuery()),
            async () => await store.RetryAsync("org", "agent", now),
            async () => await store.DiscardAsync("org", "agent", now),
            async () => await store.GetStatisticsAsync(now),
            () => store.MigrateAsync(),
        ];
        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<VapiSyncQueueStoreException>(call);
            Assert.Equal(VapiErrorCodes.QueueStoreFailed, ex.ErrorCode);
            Assert.True(ex.IsTransient);
            Assert.NotNull(ex.InnerException);
            Assert.DoesNotContain("secret-pw", ex.ToString(), StringComparison.Ordinal);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed: connections are refused
    }
}
