using System.Net;
using VapiSync.Client.Http;

namespace VapiSync.Client.Tests.Http;

/// <summary>Nothing hangs: every request, including reading its body, is bounded by the request's timeouts.</summary>
public sealed class TransportTimeoutTests
{
    [Fact]
    public async Task Create_HeadersThenStalledBody_FailsAsTypedTimeout()
    {
        var body = new TransportHarness.StalledContent();
        using var h = new TransportHarness((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = body }));

        var create = h.Client.CreateAssistantAsync(TransportHarness.Credential(), new AssistantDefinition { Name = "a" });
        await h.AdvanceUntilDoneAsync(create, TimeSpan.FromMinutes(2));

        Assert.True(create.IsCompleted, "the create still hangs on a body that never arrives");
        var error = await Assert.ThrowsAsync<VapiApiException>(() => create);
        Assert.Equal(VapiErrorCodes.Timeout, error.ErrorCode);
        Assert.Equal((HttpStatusCode)0, error.StatusCode);
        Assert.True(body.Started.Task.IsCompleted);
    }

    [Fact]
    public async Task Get_StalledBodyOnEveryAttempt_FailsAsTypedTimeoutWithinTotalTimeout()
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new TransportHarness.StalledContent() }));

        var get = h.Client.GetAssistantAsync(TransportHarness.Credential(), "3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59");
        var started = h.Time.GetUtcNow();
        await h.AdvanceUntilDoneAsync(get, TimeSpan.FromMinutes(5));

        Assert.True(get.IsCompleted, "the get still hangs on a body that never arrives");
        var error = await Assert.ThrowsAsync<VapiApiException>(() => get);
        Assert.Equal(VapiErrorCodes.Timeout, error.ErrorCode);
        Assert.InRange(h.Time.GetUtcNow() - started, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(36)); // the total timeout (30 s), not 4 attempts of 10 s plus back-off
    }

    [Fact]
    public async Task Create_CallerCancelsDuringStalledBody_IsCancelledNotTimeout()
    {
        var body = new TransportHarness.StalledContent();
        using var h = new TransportHarness((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = body }));
        using var caller = new CancellationTokenSource();

        var create = h.Client.CreateAssistantAsync(TransportHarness.Credential(), new AssistantDefinition { Name = "a" }, caller.Token);
        await body.Started.Task.WaitAsync(TransportHarness.Guard);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => create.WaitAsync(TransportHarness.Guard));
    }
}
