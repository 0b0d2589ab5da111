using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VapiSync.Client;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Resilience;

namespace VapiSync.Verify;

/// <summary>One "process" of a host application: AddVapiSync with the host's own key store, plus a request counter on the wire.</summary>
internal sealed class VerifyHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public VerifyHost(Uri baseUrl, string platformKey, DemoKeyStore keyStore, RequestCounter counter, LogCollector logs)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        services.AddSingleton(keyStore);
        var builder = services.AddVapiSync(o =>
            {
                o.BaseUrl = baseUrl;
                o.PlatformApiKey = platformKey;
            })
            .AddCredentialProvider<DemoKeyStore>()
            .ConfigureResilience(o =>
            {
                o.Retry.Delay = TimeSpan.FromMilliseconds(100);
                o.CircuitBreaker.MinimumThroughput = 10;
                o.CircuitBreaker.FailureRatio = 0.5;
                o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(5);
            });

        // Inside the resilience handler: every attempt that goes on the wire is counted.
        builder.HttpClient.AddHttpMessageHandler(() => new CountingHandler(counter));
        _provider = services.BuildServiceProvider();
    }

    public IVapiAssistantManager Manager => _provider.GetRequiredService<IVapiAssistantManager>();

    public IVapiClient Client => _provider.GetRequiredService<IVapiClient>();

    public IVapiCircuitBreaker Breaker => _provider.GetRequiredService<IVapiCircuitBreaker>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private sealed class CountingHandler(RequestCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Add(request.Method.Method);
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>Requests sent, by method.</summary>
internal sealed class RequestCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    public int this[string method] => _counts.GetValueOrDefault(method);

    public void Add(string method) => _counts.AddOrUpdate(method, 1, (_, n) => n + 1);

    public Snapshot Take() => new(_counts.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));

    internal sealed record Snapshot(Dictionary<string, int> Counts)
    {
        public string Since(RequestCounter now)
        {
            var parts = new[] { "POST", "PATCH", "GET", "DELETE" }
                .Select(m => (m, n: now[m] - Counts.GetValueOrDefault(m)))
                .Where(p => p.n > 0)
                .Select(p => $"{p.n} {p.m}");
            var text = string.Join(", ", parts);
            return text.Length == 0 ? "0 requests" : text;
        }

        public int Count(RequestCounter now, string method) => now[method] - Counts.GetValueOrDefault(method);

        public int Total(RequestCounter now) => now.Total - Counts.Values.Sum();
    }
}

/// <summary>The host's own per-organization key store: one organization has a key, one has none, one store is down.</summary>
internal sealed class DemoKeyStore(IReadOnlyDictionary<string, string> keys) : ICredentialProvider
{
    public const string BrokenPrefix = "initech-";

    /// <summary>Organizations whose key lookups fail for now (a store outage that a check switches on and off).</summary>
    public ConcurrentDictionary<string, bool> Outages { get; } = new(StringComparer.Ordinal);

    public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default)
    {
        if (organizationId.StartsWith(BrokenPrefix, StringComparison.Ordinal) || Outages.ContainsKey(organizationId))
        {
            throw new InvalidOperationException("The organization key store is unavailable (simulated outage).");
        }

        return ValueTask.FromResult(keys.TryGetValue(organizationId, out var key) ? new VapiCredential(key, nameof(DemoKeyStore)) : null);
    }
}

/// <summary>Keeps warnings so a check can show what the library logged.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyCollection<(int EventId, LogLevel Level, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Collector(_entries);

    public void Dispose()
    {
    }

    private sealed class Collector(ConcurrentQueue<(int, LogLevel, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));
    }
}
