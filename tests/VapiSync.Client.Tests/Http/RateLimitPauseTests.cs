using System.Net;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Tests.Http;

/// <summary>Rate limits wait, not fail: an account's Retry-After pause is waited before sending, outside the attempt timeout.</summary>
public sealed class RateLimitPauseTests
{
    private static readonly AssistantDefinition Definition = new() { Name = "a" };

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> FirstRateLimited(TimeSpan retryAfter)
    {
        var calls = 0;
        return (_, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                var limited = TransportHarness.Json(HttpStatusCode.TooManyRequests, """{"message":"slow down","error":"Too Many Requests"}""");
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
                return Task.FromResult(limited);
            }

            return Task.FromResult(TransportHarness.Json(HttpStatusCode.Created, TransportHarness.AssistantJson));
        };
    }

    [Fact]
    public async Task Create_AccountPausedLongerThanAttemptTimeout_WaitsThePauseThenSends()
    {
        using var h = new TransportHarness(FirstRateLimited(TimeSpan.FromSeconds(20)));
        var limited = await Assert.ThrowsAsync<VapiApiException>(() => h.Client.CreateAssistantAsync(TransportHarness.Credential(), Definition));
        Assert.Equal(FailureKind.RateLimited, FailureClassifier.Classify(limited));

        var second = h.Client.CreateAssistantAsync(TransportHarness.Credential(), Definition);
        await h.AdvanceUntilDoneAsync(second, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(1));

        var created = await second.WaitAsync(TransportHarness.Guard);
        Assert.Equal("3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59", created.Id);
        Assert.Equal(2, h.Handler.Sent);
    }

    [Fact]
    public async Task Create_AccountPausedLongerThanTotalTimeout_FailsAtOnceNotSentWithTimeLeft()
    {
        using var h = new TransportHarness(FirstRateLimited(TimeSpan.FromSeconds(55)));
        await Assert.ThrowsAsync<VapiApiException>(() => h.Client.CreateAssistantAsync(TransportHarness.Credential(), Definition));

        var error = await Assert.ThrowsAsync<VapiApiException>(() => h.Client.CreateAssistantAsync(TransportHarness.Credential(), Definition).WaitAsync(TransportHarness.Guard));

        Assert.Equal(VapiErrorCodes.RateLimited, error.ErrorCode);
        Assert.Equal((HttpStatusCode)0, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal(FailureKind.NotSent, FailureClassifier.Classify(error));
        Assert.False(FailureClassifier.MayHaveCommitted(FailureClassifier.Classify(error)));
        Assert.Equal(TimeSpan.FromSeconds(55), error.RetryAfter);
        Assert.Equal(1, h.Handler.Sent);
    }

    [Fact]
    public async Task Create_OtherAccountPaused_SendsAtOnce()
    {
        using var h = new TransportHarness(FirstRateLimited(TimeSpan.FromSeconds(55)));
        await Assert.ThrowsAsync<VapiApiException>(() => h.Client.CreateAssistantAsync(TransportHarness.Credential(), Definition));

        var created = await h.Client.CreateAssistantAsync(TransportHarness.Credential("sk-other-tenant-key-0001"), Definition).WaitAsync(TransportHarness.Guard);

        Assert.NotNull(created.Id);
        Assert.Equal(2, h.Handler.Sent);
    }

    [Fact]
    public async Task Create_CallerCancelsDuringPause_IsCancelledAndNothingSent()
    {
        using var h = new TransportHarness(FirstRateLimited(TimeSpan.FromSeconds(20)));
        await Assert.ThrowsAsync<VapiApiException>(() => h.Client.CreateAssistantAsync(TransportHarness.Credential(), Definition));
        using var caller = new CancellationTokenSource();

        var waiting = h.Client.CreateAssistantAsync(TransportHarness.Credential(), Definition, caller.Token);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TransportHarness.Guard));
        Assert.Equal(1, h.Handler.Sent);
    }

    /// <summary>Replaces a wall-clock integration test that failed about 2 runs in 5: time here is the fake clock's.</summary>
    [Fact]
    public async Task Bulk_429WithRetryAfter_NoRequestOfTheAccountGoesOutDuringThePause()
    {
        var posts = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        var postCount = 0;
        DateTimeOffset limitedAt = default;
        TransportHarness? harness = null;
        using var h = harness = new TransportHarness((request, _) =>
        {
            if (request.Method == HttpMethod.Get)
            {
                return Task.FromResult(TransportHarness.Json(HttpStatusCode.OK, "[]"));
            }

            var now = harness!.Time.GetUtcNow();
            if (Interlocked.Increment(ref postCount) == 1)
            {
                limitedAt = now;
                var limited = TransportHarness.Json(HttpStatusCode.TooManyRequests, """{"message":"slow down"}""");
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(5));
                return Task.FromResult(limited);
            }

            posts.Enqueue(now);
            return Task.FromResult(TransportHarness.Json(HttpStatusCode.Created, $$"""{"id":"{{Guid.NewGuid()}}","createdAt":"2026-11-28T12:00:00.000Z"}"""));
        });
        var requests = Enumerable.Range(0, 40).Select(i => SyncHarness.Request(agent: $"agent-{i}")).ToList();

        var bulk = h.Manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = 4 });
        await h.AdvanceUntilDoneAsync(bulk, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));
        var results = await bulk.WaitAsync(TransportHarness.Guard);

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error?.Message));
        Assert.Equal(40, results.Select(r => r.Result!.AssistantId).Distinct().Count());
        Assert.Equal(40, posts.Count);
        var duringPause = posts.Count(t => t > limitedAt && t < limitedAt + TimeSpan.FromSeconds(5));
        Assert.True(duringPause == 0, $"{duringPause} creates went out while the account was paused");
    }
}
