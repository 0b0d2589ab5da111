using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client;
using VapiSync.Client.Credentials;
using VapiSync.Client.Credentials.Internal;
using VapiSync.Client.DependencyInjection.Internal;
using VapiSync.Client.Fleet;
using VapiSync.Client.Fleet.Internal;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Resilience;
using VapiSync.Client.Resilience.Internal;
using VapiSync.Client.Sync.Internal;
using VapiSync.Client.Voices;
using VapiSync.Client.Voices.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers VapiSync.Client in a service collection.</summary>
public static class VapiSyncServiceCollectionExtensions
{
    /// <summary>The name of the typed <see cref="HttpClient"/> (and of its resilience pipeline's options, with <c>-standard</c>).</summary>
    public const string HttpClientName = "VapiSync.Client";

    /// <summary>
    /// Adds VapiSync.Client with options bound from a configuration section (usually <c>VapiSync</c>); resilience
    /// settings are bound from its <c>Resilience</c> child. Options are validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>VapiSync</c> section.</param>
    /// <returns>A builder to add credential providers, voice rules, a state store or resilience settings.</returns>
    public static IVapiSyncBuilder AddVapiSync(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = AddCore(services);
        services.AddOptions<VapiSyncOptions>().Bind(configuration);
        services.Configure<HttpStandardResilienceOptions>(((VapiSyncBuilder)builder).ResiliencePipelineName, configuration.GetSection("Resilience"));
        return builder;
    }

    /// <summary>Adds VapiSync.Client with options set in code. Options are validated at start-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder to add credential providers, voice rules, a state store or resilience settings.</returns>
    public static IVapiSyncBuilder AddVapiSync(this IServiceCollection services, Action<VapiSyncOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = AddCore(services);
        services.Configure(configure);
        return builder;
    }

    private static IVapiSyncBuilder AddCore(IServiceCollection services)
    {
        // A second AddVapiSync adds configuration to the first registration instead of registering everything twice.
        if (services.FirstOrDefault(d => d.ServiceType == typeof(VapiSyncBuilder))?.ImplementationInstance is VapiSyncBuilder existing)
        {
            return existing;
        }

        services.AddOptions<VapiSyncOptions>().ValidateOnStart();

        // Every key the options hold is scrubbed from logs and messages from the moment the options are read (and on reload).
        services.PostConfigure<VapiSyncOptions>(o =>
        {
            SecretRedactor.Register(o.PlatformApiKey);
            foreach (var key in o.OrganizationApiKeys.Values)
            {
                SecretRedactor.Register(key);
            }
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VapiSyncOptions>, VapiSyncOptionsAnnotationsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VapiSyncOptions>, VapiSyncOptionsValidator>());
        services.AddOptions<VoiceRuleRegistrations>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SyncMetrics>();
        services.TryAddSingleton<RequestMetrics>();
        services.TryAddSingleton<CredentialMetrics>();
        services.TryAddSingleton<CircuitMetrics>();
        services.TryAddSingleton<VapiCircuitBreaker>();
        services.TryAddSingleton<IVapiCircuitBreaker>(sp => sp.GetRequiredService<VapiCircuitBreaker>());
        services.TryAddSingleton<IVoiceNormalizer, VoiceNormalizer>();
        services.TryAddSingleton<IAssistantStateStore, InMemoryAssistantStateStore>();
        services.TryAddSingleton<IAssistantSyncLock, InProcessAssistantSyncLock>();
        services.TryAddSingleton(sp => AssistantGateway.For(sp.GetRequiredService<IVapiClient>()));
        services.TryAddSingleton<AssistantIndex>();
        services.TryAddSingleton<SafeCreate>();
        services.TryAddSingleton<CredentialPolicy>();
        services.TryAddSingleton<AccountMoveMetrics>();
        services.TryAddSingleton<AccountMove>();
        services.TryAddSingleton<IVapiAssistantManager, VapiAssistantManager>();
        services.TryAddSingleton<FleetMetrics>();
        services.TryAddSingleton<IVapiFleet, VapiFleet>();

        var httpClient = AddHttpClient(services);
        var pipeline = httpClient.AddStandardResilienceHandler();

        // Added after the resilience handler, so it runs inside it, once per attempt and under its timeouts: it records
        // 429 pauses, and reads the body in full before the attempt counts as answered.
        services.TryAddSingleton<RetryAfterPauses>();
        httpClient.AddHttpMessageHandler(sp => new ResponseBufferingHandler(sp.GetRequiredService<RetryAfterPauses>(), sp.GetRequiredService<TimeProvider>()));
        services.AddOptions<HttpStandardResilienceOptions>(pipeline.PipelineName)
            .PostConfigure<VapiCircuitBreaker>((options, breaker) => VapiResilienceSetup.Enforce(options, breaker));
        var pipelineName = pipeline.PipelineName;
        services.TryAddSingleton<IVapiClient>(sp =>
        {
            var resilience = sp.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>();
            return new VapiClient(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
                sp.GetRequiredService<IOptionsMonitor<VapiSyncOptions>>(),
                sp.GetRequiredService<RequestMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<VapiClient>>(),
                sp.GetRequiredService<RetryAfterPauses>(),
                () => resilience.Get(pipelineName).TotalRequestTimeout.Timeout);
        });

        var builder = new VapiSyncBuilder(services, httpClient, pipeline.PipelineName);
        services.AddSingleton(builder);
        services.TryAddSingleton(sp => new ChainedCredentialProvider(
            builder.CredentialProviderTypes.Select(t => (ICredentialProvider)sp.GetRequiredService(t))
                .Append(new OptionsCredentialProvider(sp.GetRequiredService<IOptionsMonitor<VapiSyncOptions>>()))
                .Append(new EnvironmentCredentialProvider(sp.GetRequiredService<IOptionsMonitor<VapiSyncOptions>>())),
            sp.GetRequiredService<ILogger<ChainedCredentialProvider>>(),
            sp.GetRequiredService<CredentialMetrics>()));
        return builder;
    }

    private static IHttpClientBuilder AddHttpClient(IServiceCollection services)
    {
        // The manager is a singleton holding one client: connections are recycled by the handler itself
        // (PooledConnectionLifetime) instead of by the factory, so DNS changes are still picked up.
        var httpClient = services.AddHttpClient(HttpClientName, (sp, client) =>
            {
                var baseUrl = sp.GetRequiredService<IOptions<VapiSyncOptions>>().Value.BaseUrl;
                client.BaseAddress = new Uri(baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/");
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(_ => true)
            // The factory's own request logs put raw header values (the Authorization header) in their structured
            // state at Trace level, where a structured sink exports them, even with redaction on: the library logs its
            // requests itself, so they are removed.
            .RemoveAllLoggers();
        return httpClient;
    }
}
