using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VapiSync.Client.Queue;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary>One host instance with the durable queue: its own provider, HttpClient, breaker and drainer; the shared fake Vapi and database.</summary>
internal sealed class QueueInstance : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private IHostedService[] _hosted = [];

    /// <param name="vapi">The shared fake Vapi.</param>
    /// <param name="schema">The shared database schema.</param>
    /// <param name="configure">Changes the queue's settings.</param>
    /// <param name="time">A fake clock for the whole instance (the drainer, its leases and the HTTP timeouts, which are then made long).</param>
    /// <param name="logs">Also receives the instance's logs.</param>
    public QueueInstance(FakeVapiServer vapi, string schema, Action<SyncQueueOptions>? configure = null, TimeProvider? time = null, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        if (logs is not null)
        {
            services.AddSingleton(logs);
        }

        if (time is not null)
        {
            services.AddSingleton(time);
        }
        services.AddVapiSync(o =>
            {
                o.BaseUrl = vapi.BaseAddress;
                o.PlatformApiKey = "sk-pg";
            })
            .ConfigureResilience(o =>
            {
                o.Retry.Delay = TimeSpan.FromMilliseconds(10);
                o.Retry.MaxRetryAttempts = 1;
                o.CircuitBreaker.BreakDuration = TimeSpan.FromMilliseconds(500);
                o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(5);
                if (time is not null)
                {
                    // A fake clock moves in big steps: only the queue's lease may run out, never a request's timeout.
                    o.AttemptTimeout.Timeout = TimeSpan.FromMinutes(30);
                    o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(60);
                    o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(61);
                }
            })
            .UsePostgreSqlStateStore(Postgres.Required, o => o.Schema = schema)
            .AddSyncQueue(o =>
            {
                o.MaxDegreeOfParallelism = 8;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.InitialBackoff = TimeSpan.FromMilliseconds(50);
                o.MaxBackoff = TimeSpan.FromMilliseconds(500);
                o.BreakerCheckInterval = TimeSpan.FromMilliseconds(50);
                configure?.Invoke(o);
            })
            .UsePostgreSqlSyncQueue(Postgres.Required, o => o.Schema = schema);
        _provider = services.BuildServiceProvider();
    }

    public IVapiSyncQueue Queue => _provider.GetRequiredService<IVapiSyncQueue>();

    public async Task StartAsync()
    {
        _hosted = [.. _provider.GetServices<IHostedService>()];
        foreach (var hosted in _hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }

        await _provider.DisposeAsync();
    }
}
