using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VapiSync.Client.Queue;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>
/// The connection budget of an instance that uses both PostgreSQL stores on one connection string: the state store's
/// <c>MaxConcurrentOperations</c> (4) plus the queue store's capped pool (4), whatever the number of enqueuers and workers.
/// </summary>
public sealed class PostgreSqlConnectionBudgetTests : IAsyncLifetime
{
    private readonly string _schema = Postgres.NewSchema();
    private FakeVapiServer _vapi = null!;

    public async Task InitializeAsync() =>
        _vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg", Latency = TimeSpan.FromMilliseconds(200) });

    public async Task DisposeAsync()
    {
        await _vapi.DisposeAsync();
        if (Postgres.ConnectionString is not null)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    [PostgresFact]
    public async Task FourInstances_QueueAndStateStore_100AgentsEnqueuedAtOnceEach_AtMost8ConnectionsPerInstance()
    {
        var tag = _schema[2..10];
        var providers = Enumerable.Range(0, 4).Select(i => Provider($"vapisync-{tag}-{i}")).ToArray();
        var hosted = providers.SelectMany(p => p.GetServices<IHostedService>()).ToArray();
        try
        {
            using var stop = new CancellationTokenSource();
            var sampling = PostgreSqlStateStoreTests.SamplePeakConnectionsAsync($"vapisync-{tag}-%", stop.Token);
            var ct = new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token;
            foreach (var service in hosted)
            {
                await service.StartAsync(ct);
            }

            // Every instance enqueues every agent at once (400 concurrent enqueues), and 4 × 32 workers drain them.
            var agents = Enumerable.Range(0, 100).Select(i => $"agent-{i}").ToList();
            await Task.WhenAll(providers.SelectMany(p => agents.Select(agent => p.GetRequiredService<IVapiSyncQueue>()
                .EnqueueAsync(new AssistantSyncRequest("org-1", agent, new AssistantDefinition { Name = agent }), ct).AsTask())));
            var queue = providers[0].GetRequiredService<IVapiSyncQueue>();
            while (await queue.GetStatisticsAsync(ct) is var stats && (stats.Depth > 0 || stats.Synced < 100))
            {
                await Task.Delay(50, ct);
            }

            await stop.CancelAsync();
            var peaks = await sampling;

            Assert.Equal(100, _vapi.GetAssistants("default").Count);
            Assert.Equal(100L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM \"{_schema}\".assistant_state"));
            Assert.Equal(4, peaks.Count);
            Assert.All(peaks.Values, peak => Assert.InRange(peak, 1, 8));
            Console.WriteLine($"peak connections per instance (queue + state store): {string.Join(", ", peaks.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}");
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }

            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }
    }

    private ServiceProvider Provider(string applicationName)
    {
        var connectionString = Postgres.WithApplicationName(applicationName);
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddVapiSync(o =>
            {
                o.BaseUrl = _vapi.BaseAddress;
                o.PlatformApiKey = "sk-pg";
            })
            .UsePostgreSqlStateStore(connectionString, o => o.Schema = _schema)
            .AddSyncQueue(o =>
            {
                o.MaxDegreeOfParallelism = 32;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
            })
            .UsePostgreSqlSyncQueue(connectionString, o => o.Schema = _schema);
        return services.BuildServiceProvider();
    }
}
