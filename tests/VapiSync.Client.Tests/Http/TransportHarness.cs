using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Resilience;

namespace VapiSync.Client.Tests.Http;

/// <summary>
/// The library's real transport (typed client, resilience pipeline, handlers) over a scripted in-memory handler, with
/// time from a <see cref="FakeTimeProvider"/>: timeouts, pauses and breaks happen when the test advances the clock.
/// </summary>
internal sealed class TransportHarness : IDisposable
{
    public const string Key = "sk-transport-0123456789abcdef";
    public const string AssistantJson = """{"id":"3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59","createdAt":"2026-11-28T12:00:00.000Z","name":"a"}""";

    private readonly ServiceProvider _provider;

    public TransportHarness(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond, Action<HttpStandardResilienceOptions>? resilience = null)
    {
        Handler = new ScriptedHandler(respond);
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerProvider>(Logs);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(Time);
        var builder = services.AddVapiSync(o =>
        {
            o.BaseUrl = new Uri("http://127.0.0.1:9/");
            o.PlatformApiKey = Key;
            o.ApiKeyEnvironmentVariable = "VAPISYNC_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        });
        if (resilience is not null)
        {
            builder.ConfigureResilience(resilience);
        }

        services.AddHttpClient(VapiSyncServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Handler);
        _provider = services.BuildServiceProvider();
    }

    public ScriptedHandler Handler { get; }

    public FakeLoggerProvider Logs { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public IVapiClient Client => _provider.GetRequiredService<IVapiClient>();

    public IVapiCircuitBreaker Breaker => _provider.GetRequiredService<IVapiCircuitBreaker>();

    public IVapiAssistantManager Manager => _provider.GetRequiredService<IVapiAssistantManager>();

    public static VapiCredential Credential(string key = Key) => new(key, "test");

    /// <summary>A guard for tests that would hang on a regression: real time, far longer than any passing run needs.</summary>
    public static TimeSpan Guard => TimeSpan.FromSeconds(20);

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>Advances the fake clock one step at a time until <paramref name="task"/> completes or <paramref name="limit"/> of fake time passed.</summary>
    public async Task AdvanceUntilDoneAsync(Task task, TimeSpan limit, TimeSpan? step = null)
    {
        var passed = TimeSpan.Zero;
        var by = step ?? TimeSpan.FromMilliseconds(500);
        while (!task.IsCompleted && passed < limit)
        {
            // Let the request reach its next timer before the clock moves.
            await Task.WhenAny(task, Task.Delay(10));
            Time.Advance(by);
            passed += by;
        }

        await Task.WhenAny(task, Task.Delay(Guard));
    }

    public void Dispose()
    {
        _provider.Dispose();
        Logs.Dispose();
    }

    public sealed class ScriptedHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        public List<string> Authorizations { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            lock (Authorizations)
            {
                Authorizations.Add(request.Headers.Authorization?.ToString() ?? string.Empty);
            }

            return respond(request, cancellationToken);
        }
    }

    /// <summary>A body that never arrives: the headers are out, the bytes never come (until the reader gives up).</summary>
    public sealed class StalledContent : HttpContent
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
