namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// Whether Vapi can take a call for an organization now, and if not for how long to wait. The drainer asks before it
/// claims and before each item, so an open breaker or a rate-limit pause costs time, never an attempt. One small seam:
/// when the breaker becomes per account, only the implementation changes.
/// </summary>
internal interface IVapiAvailability
{
    /// <summary>Gets how long to wait before calling Vapi at all (the breaker is open or isolated), or zero.</summary>
    TimeSpan GlobalWait();

    /// <summary>Gets how long to wait before calling Vapi for the organization's account (its <c>Retry-After</c> pause, or the breaker), or zero.</summary>
    ValueTask<TimeSpan> WaitForAsync(string organizationId, CancellationToken cancellationToken);
}
