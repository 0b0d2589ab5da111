using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using VapiSync.Client.Credentials;
using VapiSync.Client.Voices;

namespace VapiSync.Client;

/// <summary>Configures VapiSync.Client after <c>AddVapiSync()</c>. Every method returns the builder for chaining.</summary>
public interface IVapiSyncBuilder
{
    /// <summary>Gets the service collection the library is registered in.</summary>
    IServiceCollection Services { get; }

    /// <summary>Gets the builder of the typed <see cref="HttpClient"/> that talks to Vapi, to add handlers or replace the primary handler.</summary>
    IHttpClientBuilder HttpClient { get; }

    /// <summary>
    /// Adds a credential provider (for example the host's per-organization key store), asked before the built-in ones
    /// (options, then the environment variable), in call order. Registered as a singleton.
    /// </summary>
    /// <typeparam name="TProvider">The provider type.</typeparam>
    /// <returns>This builder.</returns>
    IVapiSyncBuilder AddCredentialProvider<TProvider>()
        where TProvider : class, ICredentialProvider;

    /// <summary>Adds a voice rule, tried ahead of the options' rules and the built-in ones, in call order.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This builder.</returns>
    IVapiSyncBuilder AddVoiceRule(VoiceRule rule);

    /// <summary>Replaces the in-memory state store. Registered as a singleton.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <returns>This builder.</returns>
    IVapiSyncBuilder UseStateStore<TStore>()
        where TStore : class, IAssistantStateStore;

    /// <summary>Replaces the in-process per-agent lock (for example with one that spans instances). Registered as a singleton.</summary>
    /// <typeparam name="TLock">The lock type.</typeparam>
    /// <returns>This builder.</returns>
    IVapiSyncBuilder UseSyncLock<TLock>()
        where TLock : class, IAssistantSyncLock;

    /// <summary>
    /// Configures the standard resilience pipeline (timeouts, retry, circuit breaker). Applied after the configuration
    /// section; the library then enforces that POST is never retried and attaches its breaker control.
    /// </summary>
    /// <param name="configure">Changes Microsoft's own options type.</param>
    /// <returns>This builder.</returns>
    IVapiSyncBuilder ConfigureResilience(Action<HttpStandardResilienceOptions> configure);
}
