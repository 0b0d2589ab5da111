using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VapiSync.Client.Queue;
using VapiSync.Client.Queue.Internal;
using VapiSync.Client.Credentials;
using VapiSync.Client.Resilience;
using VapiSync.Client.Resilience.Internal;

namespace VapiSync.Client.Tests.Queue;

public sealed class VapiAvailabilityTests
{
    [Fact]
    public async Task IsolatedBreaker_HoldsTheDrainerUntilItIsReset()
    {
        using var h = new SyncHarness(build: b => b.AddSyncQueue(o => o.BreakerCheckInterval = TimeSpan.FromSeconds(1)));
        var availability = h.Get<IVapiAvailability>();
        var breaker = h.Get<IVapiCircuitBreaker>();
        using var client = h.Get<IHttpClientFactory>().CreateClient(VapiSyncServiceCollectionExtensions.HttpClientName); // builds the pipeline the breaker attaches to
        await breaker.IsolateAsync();

        var waiting = availability.WaitUntilCallableAsync(QueueHarness.Deadline()).AsTask();
        h.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(TimeSpan.FromSeconds(1), await availability.WaitForAsync("org-1", CancellationToken.None));

        await breaker.ResetAsync();
        Assert.Equal(TimeSpan.Zero, await availability.WaitForAsync("org-1", CancellationToken.None));
        Assert.True(availability.WaitUntilCallableAsync(CancellationToken.None).IsCompletedSuccessfully); // closed: no wait at all
    }

    [Fact]
    public async Task RetryAfterLongerThanAMinute_TheQueueWaitsItAllWhileSynchronousCallsKeepTheirCap()
    {
        using var h = new SyncHarness(build: b => b.AddSyncQueue());
        var availability = h.Get<IVapiAvailability>();
        var pauses = h.Get<RetryAfterPauses>();
        var fingerprint = VapiCredential.ComputeFingerprint(SyncHarness.PlatformKey);

        pauses.Pause(fingerprint, TimeSpan.FromSeconds(120)); // what a 429 with Retry-After: 120 records

        Assert.Equal(TimeSpan.FromSeconds(120), await availability.WaitForAsync("org-1", CancellationToken.None));
        Assert.Equal(RetryAfterPauses.MaxPause, pauses.Remaining(fingerprint)); // a synchronous request: unchanged
        h.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(TimeSpan.FromSeconds(59), await availability.WaitForAsync("org-1", CancellationToken.None)); // Vapi still says paused
        h.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(TimeSpan.Zero, await availability.WaitForAsync("org-1", CancellationToken.None));
    }

    [Fact]
    public async Task RetryAfterBeyondTheMaximum_IsHonouredOnlyUpToMaxRetryAfterPause()
    {
        using var h = new SyncHarness(build: b => b.AddSyncQueue(o => o.MaxRetryAfterPause = TimeSpan.FromMinutes(5)));
        var availability = h.Get<IVapiAvailability>();
        h.Get<RetryAfterPauses>().Pause(VapiCredential.ComputeFingerprint(SyncHarness.PlatformKey), TimeSpan.FromHours(3));

        Assert.Equal(TimeSpan.FromMinutes(5), await availability.WaitForAsync("org-1", CancellationToken.None));
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.Zero, await availability.WaitForAsync("org-1", CancellationToken.None)); // not another 5 minutes at every check
    }

    [Fact]
    public async Task HealthCheck_OldestWaitingSaveOlderThanTheThreshold_IsDegraded()
    {
        using var h = new SyncHarness(build: b => b.AddSyncQueue(o => (o.DrainerEnabled, o.DegradedAfter) = (false, TimeSpan.FromMinutes(5))));
        var check = ActivatorUtilities.CreateInstance<SyncQueueHealthCheck>(h.Get<IServiceProvider>());
        await h.Get<IVapiSyncQueue>().EnqueueAsync(SyncHarness.Request());

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var fresh = await check.CheckHealthAsync(new HealthCheckContext());
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var stale = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, fresh.Status);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Equal(1L, stale.Data["depth"]);
        Assert.Equal(301.0, stale.Data["oldestPendingAgeSeconds"]);
    }
}
