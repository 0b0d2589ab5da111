namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// Whether Vapi can take a call for an organization now, and if not for how long to wait. The drainer asks before it
/// claims and before each item, so an open breaker or a rate-limit pause costs time, never an attempt. One small seam:
/// when the breaker becomes per account, only the implementation changes.
/// </summary>
internal interface IVapiAvailability
{
    /// <summary>Completes when Vapi may be called at all: at once while the breaker lets calls through, else once it does.</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when calls flow.</returns>
    ValueTask WaitUntilCallableAsync(CancellationToken cancellationToken);

    /// <summary>Gets how long to wait before calling Vapi for the organization's account (its <c>Retry-After</c> pause, or the breaker), or zero.</summary>
    ValueTask<TimeSpan> WaitForAsync(string organizationId, CancellationToken cancellationToken);
}
