using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;

namespace VapiSync.Client.Tests;

/// <summary>The library wired through AddVapiSync, with the HTTP client replaced by a substitute.</summary>
internal sealed class SyncHarness : IDisposable
{
    public const string PlatformKey = "platform-key-0123456789";

    private readonly ServiceProvider _provider;

    public SyncHarness(Action<VapiSyncOptions>? configure = null, Action<IVapiSyncBuilder>? build = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerProvider>(Logs);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(Time);
        var builder = services.AddVapiSync(o =>
        {
            o.PlatformApiKey = PlatformKey;
            o.ApiKeyEnvironmentVariable = "VAPISYNC_TEST_UNSET_" + Guid.NewGuid().ToString("N");
            o.ConvergenceWindow = TimeSpan.Zero; // its own tests turn it on; here it would add a listing per create
            configure?.Invoke(o);
        });
        build?.Invoke(builder);
        services.AddSingleton(Client);
        _provider = services.BuildServiceProvider();
    }

    public IVapiClient Client { get; } = Substitute.For<IVapiClient>();

    public FakeLoggerProvider Logs { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public IVapiAssistantManager Manager => _provider.GetRequiredService<IVapiAssistantManager>();

    public IAssistantStateStore Store => _provider.GetRequiredService<IAssistantStateStore>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public void Dispose()
    {
        _provider.Dispose();
        Logs.Dispose();
    }

    public static AssistantSyncRequest Request(string agent = "agent-1", string org = "org-1", string voiceId = "en-US-AriaNeural", string name = "Receptionist") =>
        new(org, agent, new AssistantDefinition
        {
            Name = name,
            FirstMessage = "Hello!",
            Voice = new VoiceConfig { Provider = "azure", VoiceId = voiceId },
            Model = new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o" },
        });

    public static VapiAssistant Assistant(string? id = null, string? syncKey = null, DateTimeOffset? createdAt = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString(),
        CreatedAt = createdAt ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Metadata = syncKey is null ? null : new JsonObject { ["vapiSyncKey"] = syncKey },
    };

    public void ReturnsOnList(params VapiAssistant[] assistants) =>
        Client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>()).Returns(_ => ToAsync(assistants));

    public void CreateReturnsNew() =>
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .Returns(_ => Assistant());

    public static async IAsyncEnumerable<VapiAssistant> ToAsync(IEnumerable<VapiAssistant> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return item;
        }
    }

    public static Dictionary<string, System.Text.Json.JsonElement> Settings(string json) =>
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(json)!;

    public static VapiApiException ApiError(int status, string? errorCode = null) =>
        new((System.Net.HttpStatusCode)status, ["simulated"], errorCode ?? "simulated", "test");
}
