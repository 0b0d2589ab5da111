using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VapiSync.Client.PostgreSql;
using VapiSync.Client.Testing;

namespace VapiSync.Client.Benchmarks;

/// <summary>
/// 2,000 new agents, 32 at a time, against a fake Vapi that answers after 20 ms: the PostgreSQL store (two short
/// statements per sync — take the lease and read the state; write the state and release the lease — which concurrent
/// syncs share as multi-row statements; on at most eight connections, and at most four, the default) against the
/// in-memory store. Needs <c>VAPISYNC_POSTGRES</c>; without it <see cref="Program"/> leaves this class out.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class PostgreSqlBulkSyncBenchmarks
{
    public const int Agents = 2_000;
    public const int Parallelism = 32;

    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
    private FakeVapiServer _server = null!;
    private ServiceProvider _provider = null!;
    private AssistantSyncRequest[] _requests = null!;
    private int _run;

    public static string? ConnectionString => Environment.GetEnvironmentVariable("VAPISYNC_POSTGRES");

    [IterationSetup(Target = nameof(InMemory))]
    public void SetupInMemory() => Setup(postgres: false);

    [IterationSetup(Target = nameof(PostgreSql))]
    public void SetupPostgreSql() => Setup(postgres: true);

    [IterationSetup(Target = nameof(PostgreSqlFourConnections))]
    public void SetupPostgreSqlFourConnections() => Setup(postgres: true, connections: 4);

    [IterationCleanup]
    public void Cleanup()
    {
        _provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup(Targets = [nameof(PostgreSql), nameof(PostgreSqlFourConnections)])]
    public void DropSchema()
    {
        using var dataSource = NpgsqlDataSource.Create(ConnectionString!);
        using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE");
        command.ExecuteNonQuery();
    }

    [Benchmark(Baseline = true, Description = "in-memory store: 2,000 agents, parallelism 32, 20 ms Vapi")]
    public Task<int> InMemory() => BulkAsync();

    [Benchmark(Description = "PostgreSQL store, 8 connections: 2,000 agents, parallelism 32, 20 ms Vapi")]
    public Task<int> PostgreSql() => BulkAsync();

    [Benchmark(Description = "PostgreSQL store, 4 connections (default): 2,000 agents, parallelism 32, 20 ms Vapi")]
    public Task<int> PostgreSqlFourConnections() => BulkAsync();

    private async Task<int> BulkAsync()
    {
        var manager = _provider.GetRequiredService<IVapiAssistantManager>();
        var results = await manager.EnsureAssistantsAsync(_requests, new BulkSyncOptions { MaxDegreeOfParallelism = Parallelism });
        return results.Count(r => r.Succeeded) == Agents ? Agents : throw new InvalidOperationException(results.First(r => !r.Succeeded).Error!.ToString());
    }

    private void Setup(bool postgres, int connections = 8)
    {
        _server = FakeVapiServer.StartAsync(new FakeVapiServerOptions
        {
            DefaultApiKey = BenchmarkHost.Key,
            Latency = TimeSpan.FromMilliseconds(20),
            RecordRequests = false,
            ValidateRequests = false, // measure the client, not the fake's schema check
        }).GetAwaiter().GetResult();
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddVapiSync(o =>
        {
            o.BaseUrl = _server.BaseAddress;
            o.PlatformApiKey = BenchmarkHost.Key;
        });
        if (postgres)
        {
            builder.UsePostgreSqlStateStore(ConnectionString!, o =>
            {
                o.Schema = _schema;
                o.MaxConcurrentOperations = connections;
            });
        }

        _provider = services.BuildServiceProvider();
        if (postgres)
        {
            // Migration is a one-time cost, not part of a bulk sync.
            _provider.GetRequiredService<PostgreSqlStateStore>().MigrateAsync().GetAwaiter().GetResult();
        }

        var run = Interlocked.Increment(ref _run);
        var definition = BenchmarkHost.Definition("Hello!");
        _requests = [.. Enumerable.Range(0, Agents).Select(i => new AssistantSyncRequest("org", $"r{run}-{postgres}-{connections}-agent-{i}", definition))];
    }
}
