using System.Net;
using System.Net.Http.Headers;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>A test can wait until the fake has finished every request it received (the adversarial suite's quiescence).</summary>
public sealed class FakeServerIdleTests
{
    [Fact]
    public async Task WaitForIdle_CompletesOnlyWhenEveryReceivedRequestIsFinished()
    {
        await using var server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-idle" });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-idle");
        await server.WaitForIdleAsync().WaitAsync(TimeSpan.FromSeconds(5)); // idle from the start
        Assert.Equal(0, server.RequestsInFlight);

        server.Faults.Enqueue("POST", "/assistant", Fault.Latency(TimeSpan.FromSeconds(1)));
        var post = http.PostAsync("assistant", new StringContent("""{"name":"slow"}""", System.Text.Encoding.UTF8, "application/json"));
        while (server.RequestsInFlight == 0 && !post.IsCompleted)
        {
            await Task.Delay(10);
        }

        var idle = server.WaitForIdleAsync();
        Assert.Equal(1, server.RequestsInFlight);
        Assert.False(idle.IsCompleted);

        using var created = await post.WaitAsync(TimeSpan.FromSeconds(10));
        await idle.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(0, server.RequestsInFlight);
        Assert.Equal("slow", Assert.Single(server.GetAssistants("default"))["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(true, HttpStatusCode.BadRequest)]
    [InlineData(false, HttpStatusCode.Created)]
    public async Task ValidateRequests_OffOnlyForBenchmarks_SchemaCheckFollowsIt(bool validate, HttpStatusCode expected)
    {
        await using var server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-v", ValidateRequests = validate });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-v");

        // Vapi's schema requires model.model: rejected by the default fake, accepted with the check off.
        using var response = await http.PostAsync("assistant", new StringContent("""{"name":"x","model":{"provider":"openai"}}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
    }
}
