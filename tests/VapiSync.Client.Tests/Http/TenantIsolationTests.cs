using System.Net;
using Polly.CircuitBreaker;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Tests.Http;

/// <summary>One tenant's bad key, 401s, 4xx or 429s never open the breaker every tenant shares.</summary>
public sealed class TenantIsolationTests
{
    private const string AssistantId = "3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59";
    private const string BadTenantKey = "sk-bad-tenant-key-000000";

    /// <summary>A breaker that opens after 5 calls at a 10% failure ratio, so a handful of failures decides.</summary>
    private static TransportHarness Harness(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) =>
        new(respond, o =>
        {
            o.CircuitBreaker.MinimumThroughput = 5;
            o.Retry.MaxRetryAttempts = 1;
            o.Retry.Delay = TimeSpan.Zero;
        });

    private static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> BadTenantGets(HttpStatusCode status) => (request, _) =>
        Task.FromResult(request.Headers.Authorization?.Parameter == BadTenantKey
            ? TransportHarness.Json(status, """{"message":"no","error":"x"}""")
            : TransportHarness.Json(HttpStatusCode.OK, TransportHarness.AssistantJson));

    [Theory]
    [InlineData("sk-line\r\nbreak-key-0001", "a line break")]
    [InlineData("sk-line\nbreak-key-0001", "a line break")]
    [InlineData("sk-naïve-key-000000001", "a non-ASCII character")]
    [InlineData("sk-bell\u0007-key-00000001", "a control character")]
    public async Task Get_MalformedKey_TypedInvalidCredentialBeforeAnyCallAndBreakerUntouched(string key, string problem)
    {
        using var h = Harness(BadTenantGets(HttpStatusCode.OK));

        for (var i = 0; i < 20; i++)
        {
            var error = await Assert.ThrowsAsync<VapiApiException>(() => h.Client.GetAssistantAsync(TransportHarness.Credential(key), AssistantId));
            Assert.Equal(VapiErrorCodes.InvalidCredential, error.ErrorCode);
            Assert.False(error.IsTransient);
            Assert.Equal(FailureKind.Invalid, FailureClassifier.Classify(error));
            Assert.Contains(problem, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, h.Handler.Sent);
        Assert.Equal(CircuitState.Closed, h.Breaker.State);
        Assert.NotNull(await h.Client.GetAssistantAsync(TransportHarness.Credential(), AssistantId));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task Get_OneTenantRefusedManyTimes_BreakerStaysClosedForOthers(HttpStatusCode status)
    {
        using var h = Harness(BadTenantGets(status));

        for (var i = 0; i < 20; i++)
        {
            var get = h.Client.GetAssistantAsync(TransportHarness.Credential(BadTenantKey), AssistantId);
            await h.AdvanceUntilDoneAsync(get, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));
            var error = await Assert.ThrowsAsync<VapiApiException>(() => get);
            Assert.Equal(status, error.StatusCode);
        }

        Assert.Equal(CircuitState.Closed, h.Breaker.State);
        Assert.NotNull(await h.Client.GetAssistantAsync(TransportHarness.Credential(), AssistantId).WaitAsync(TransportHarness.Guard));
    }

    [Fact]
    public async Task Get_VapiFailingWith500_StillOpensTheBreaker()
    {
        using var h = Harness(BadTenantGets(HttpStatusCode.InternalServerError));

        for (var i = 0; i < 10 && h.Breaker.State == CircuitState.Closed; i++)
        {
            var get = h.Client.GetAssistantAsync(TransportHarness.Credential(BadTenantKey), AssistantId);
            await h.AdvanceUntilDoneAsync(get, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));
            await Assert.ThrowsAsync<VapiApiException>(() => get);
        }

        Assert.Equal(CircuitState.Open, h.Breaker.State);
        var blocked = await Assert.ThrowsAsync<VapiApiException>(() => h.Client.GetAssistantAsync(TransportHarness.Credential(), AssistantId));
        Assert.Equal(VapiErrorCodes.CircuitOpen, blocked.ErrorCode);
    }
}
