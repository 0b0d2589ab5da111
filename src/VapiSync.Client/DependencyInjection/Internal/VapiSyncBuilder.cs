using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using VapiSync.Client.Credentials;
using VapiSync.Client.Voices;
using VapiSync.Client.Voices.Internal;

namespace VapiSync.Client.DependencyInjection.Internal;

internal sealed class VapiSyncBuilder(IServiceCollection services, IHttpClientBuilder httpClient, string resiliencePipelineName) : IVapiSyncBuilder
{
    public IServiceCollection Services { get; } = services;

    public IHttpClientBuilder HttpClient { get; } = httpClient;

    public string ResiliencePipelineName { get; } = resiliencePipelineName;

    public List<Type> CredentialProviderTypes { get; } = [];

    public IVapiSyncBuilder AddCredentialProvider<TProvider>()
        where TProvider : class, ICredentialProvider
    {
        Services.TryAddSingleton<TProvider>();
        if (!CredentialProviderTypes.Contains(typeof(TProvider)))
        {
            CredentialProviderTypes.Add(typeof(TProvider));
        }

        return this;
    }

    public IVapiSyncBuilder AddVoiceRule(VoiceRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (string.IsNullOrWhiteSpace(rule.Provider) || string.IsNullOrWhiteSpace(rule.Reason))
        {
            throw new ArgumentException("A voice rule needs a Provider ('*' for any) and a Reason.", nameof(rule));
        }

        Services.Configure<VoiceRuleRegistrations>(r => r.Rules.Add(rule));
        return this;
    }

    public IVapiSyncBuilder UseStateStore<TStore>()
        where TStore : class, IAssistantStateStore
    {
        Services.TryAddSingleton<TStore>();
        Services.Replace(ServiceDescriptor.Singleton<IAssistantStateStore>(sp => sp.GetRequiredService<TStore>()));
        return this;
    }

    public IVapiSyncBuilder UseSyncLock<TLock>()
        where TLock : class, IAssistantSyncLock
    {
        Services.TryAddSingleton<TLock>();
        Services.Replace(ServiceDescriptor.Singleton<IAssistantSyncLock>(sp => sp.GetRequiredService<TLock>()));
        return this;
    }

    public IVapiSyncBuilder ConfigureResilience(Action<HttpStandardResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(ResiliencePipelineName, configure);
        return this;
    }
}
