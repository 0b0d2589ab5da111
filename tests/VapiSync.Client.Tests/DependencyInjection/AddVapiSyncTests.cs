using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VapiSync.Client.Http;
using VapiSync.Client.Resilience;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Tests.DependencyInjection;

public sealed class AddVapiSyncTests
{
    private static ServiceProvider Build(Action<VapiSyncOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(configure);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("http://api.example.com", "https")]
    [InlineData("http://10.0.0.5:8080", "https")]
    [InlineData("ftp://api.vapi.ai", "absolute http(s)")]
    [InlineData("https://api.vapi.ai/?x=1", "query")]
    public void Start_BadBaseUrl_FailsWithClearMessage(string url, string expected)
    {
        using var provider = Build(o => o.BaseUrl = new Uri(url));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VapiSyncOptions>>().Value);

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    [InlineData("https://api.vapi.ai")]
    public void Start_HttpsOrLoopback_IsAccepted(string url)
    {
        using var provider = Build(o => o.BaseUrl = new Uri(url));

        Assert.Equal(new Uri(url), provider.GetRequiredService<IOptions<VapiSyncOptions>>().Value.BaseUrl);
    }

    [Fact]
    public void Start_EmptyDefaultVoice_Fails()
    {
        using var provider = Build(o => o.DefaultVoice = new VoiceConfig { Provider = "azure" });

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VapiSyncOptions>>().Value);

        Assert.Contains("DefaultVoice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_PageSizeOutOfRange_FailsFromGeneratedValidator()
    {
        using var provider = Build(o => o.ListPageSize = 5000);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VapiSyncOptions>>().Value);

        Assert.Contains("ListPageSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_ValidateOnStart_IsRegistered()
    {
        var services = new ServiceCollection();
        services.AddVapiSync(o => o.BaseUrl = new Uri("http://example.com"));

        Assert.Contains(services, d => d.ServiceType.Name.Contains("IStartupValidator", StringComparison.Ordinal));
    }

    [Fact]
    public void Configuration_BindsOptionsVoiceRulesAndKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VapiSync:BaseUrl"] = "https://vapi.example.com",
            ["VapiSync:PlatformApiKey"] = "platform",
            ["VapiSync:OrganizationApiKeys:org-1"] = "org-1-key",
            ["VapiSync:DefaultVoice:Provider"] = "vapi",
            ["VapiSync:DefaultVoice:VoiceId"] = "Elliot",
            ["VapiSync:VoiceRules:0:Provider"] = "11labs",
            ["VapiSync:VoiceRules:0:VoiceId"] = "old-voice",
            ["VapiSync:VoiceRules:0:Reason"] = "retired in-house",
            ["VapiSync:SkipUnchanged"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(configuration.GetSection("VapiSync"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<VapiSyncOptions>>().Value;

        Assert.Equal(new Uri("https://vapi.example.com"), options.BaseUrl);
        Assert.Equal("org-1-key", options.OrganizationApiKeys["org-1"]);
        Assert.Equal("Elliot", options.DefaultVoice.VoiceId);
        Assert.False(options.SkipUnchanged);
        var rule = Assert.Single(options.VoiceRules);
        Assert.Equal("retired in-house", rule.Reason);
        var normalized = provider.GetRequiredService<IVoiceNormalizer>().Normalize(new VoiceConfig { Provider = "11labs", VoiceId = "old-voice" });
        Assert.Equal("Elliot", normalized.Result!.VoiceId);
    }

    [Fact]
    public void AddVapiSync_Twice_RegistersOnce()
    {
        var services = new ServiceCollection();
        var first = services.AddVapiSync(o => o.PlatformApiKey = "a");
        var second = services.AddVapiSync(o => o.PlatformApiKey = "b");

        Assert.Same(first, second);
        Assert.Single(services, d => d.ServiceType == typeof(IVapiAssistantManager));
    }

    [Fact]
    public void Resolve_EveryPublicService()
    {
        using var provider = Build(o => o.PlatformApiKey = "k");

        // The library's own implementations, each a singleton shared by every consumer.
        Assert.Equal("VapiAssistantManager", provider.GetRequiredService<IVapiAssistantManager>().GetType().Name);
        Assert.Equal("VapiClient", provider.GetRequiredService<IVapiClient>().GetType().Name);
        Assert.Equal("InMemoryAssistantStateStore", provider.GetRequiredService<IAssistantStateStore>().GetType().Name);
        Assert.Same(provider.GetRequiredService<IVapiClient>(), provider.GetRequiredService<IVapiClient>());
        Assert.Same(provider.GetRequiredService<IVapiAssistantManager>(), provider.GetRequiredService<IVapiAssistantManager>());
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Closed, provider.GetRequiredService<IVapiCircuitBreaker>().State);
        Assert.Null(provider.GetRequiredService<IVapiCircuitBreaker>().OpenedAt);
        Assert.True(provider.GetRequiredService<IVoiceNormalizer>().Normalize(new VoiceConfig { Provider = "neets", VoiceId = "x" }).Changed);
    }
}
