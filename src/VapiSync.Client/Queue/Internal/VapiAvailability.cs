using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using VapiSync.Client.Credentials;
using VapiSync.Client.DependencyInjection.Internal;
using VapiSync.Client.Resilience;
using VapiSync.Client.Resilience.Internal;

namespace VapiSync.Client.Queue.Internal;

/// <summary>Reads the shared circuit breaker and the per-account <c>Retry-After</c> pauses of the HTTP layer.</summary>
internal sealed class VapiAvailability(
    IVapiCircuitBreaker breaker,
    RetryAfterPauses pauses,
    ChainedCredentialProvider credentials,
    TimeProvider time,
    IOptions<SyncQueueOptions> options,
    IOptionsMonitor<HttpStandardResilienceOptions> resilience,
    VapiSyncBuilder registration,
    ILogger<VapiAvailability> logger) : IVapiAvailability
{
    public async ValueTask WaitUntilCallableAsync(CancellationToken cancellationToken)
    {
        if (!IsBroken())
        {
            return;
        }

        // Claiming now would only spend attempts on calls the breaker refuses; its state is polled because Polly
        // raises no event on a manual reset.
        SyncQueueLog.WaitingForBreaker(logger, breaker.State.ToString());
        while (IsBroken())
        {
            await Task.Delay(options.Value.BreakerCheckInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<TimeSpan> WaitForAsync(string organizationId, CancellationToken cancellationToken)
    {
        if (IsBroken())
        {
            return options.Value.BreakerCheckInterval;
        }

        if (!pauses.AnyPaused())
        {
            return TimeSpan.Zero;
        }

        // The pause is keyed by the account's key fingerprint; a credential that cannot be resolved has no pause (the
        // sync itself then fails with the typed credential error and the item is parked).
        VapiCredential? credential;
        try
        {
            credential = await credentials.GetCredentialAsync(organizationId, cancellationToken).ConfigureAwait(false);
        }
        catch (VapiSyncException)
        {
            return TimeSpan.Zero;
        }

        // The server's own Retry-After, not the 60 s a synchronous request waits at most: items deferred for less would
        // only call Vapi while it still says paused.
        return credential is null ? TimeSpan.Zero : pauses.Remaining(credential.Fingerprint, options.Value.MaxRetryAfterPause);
    }

    /// <summary>
    /// Isolated waits for a person; open waits for its break to end. Polly leaves the open state only when a call is
    /// attempted after the break, so once it is over the drainer must let calls through, or it would wait forever.
    /// </summary>
    private bool IsBroken() => breaker.State switch
    {
        CircuitState.Isolated => true,
        CircuitState.Open => breaker.OpenedAt is { } openedAt
            && time.GetUtcNow() < openedAt + resilience.Get(registration.ResiliencePipelineName).CircuitBreaker.BreakDuration,
        _ => false,
    };
}
