using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using VapiSync.Client.Credentials;
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

        if (pauses.Until.IsEmpty)
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

        return credential is not null && pauses.Until.TryGetValue(credential.Fingerprint, out var until) && until - time.GetUtcNow() is { Ticks: > 0 } wait
            ? wait
            : TimeSpan.Zero;
    }

    private bool IsBroken() => breaker.State is CircuitState.Open or CircuitState.Isolated;
}
