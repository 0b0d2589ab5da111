using VapiSync.Client;
using VapiSync.Client.Testing;

namespace VapiSync.Sample;

/// <summary>
/// The embedded fake Vapi, used when no real key is configured. It is started after the sample's own host is built
/// (so test hosts that capture "the first host built" capture the sample, not the fake), and the options are pointed
/// at it by a post-configure step that runs when they are first read.
/// </summary>
internal sealed class EmbeddedVapi : IAsyncDisposable
{
    public const string FakeKey = "sk-sample-embedded-fake";

    public FakeVapiServer? Server { get; private set; }

    public static bool NoKeyConfigured(IConfiguration configuration)
    {
        var variable = configuration["VapiSync:ApiKeyEnvironmentVariable"] ?? "VAPI_PRIVATE_KEY";
        return string.IsNullOrWhiteSpace(configuration["VapiSync:PlatformApiKey"]) && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));
    }

    public async Task StartAsync() =>
        Server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = FakeKey });

    public void Apply(VapiSyncOptions options)
    {
        if (Server is not null)
        {
            options.BaseUrl = Server.BaseAddress;
            options.PlatformApiKey = FakeKey;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
