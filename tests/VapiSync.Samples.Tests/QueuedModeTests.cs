using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Queue;

namespace VapiSync.Samples.Tests;

public sealed class QueuedModeTests : IClassFixture<SampleHostTests.Factory>
{
    private readonly SampleHostTests.Factory _factory;

    public QueuedModeTests(SampleHostTests.Factory factory) => _factory = factory;

    [Fact]
    public async Task QueuedPut_Answers202WithAStatusUrlThatShowsTheAssistantOnceApplied()
    {
        using var client = _factory.CreateClient();
        var queue = _factory.Services.GetRequiredService<IVapiSyncQueue>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var completions = queue.ReadCompletionsAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        var completed = completions.MoveNextAsync();

        var accepted = await client.PutAsync(
            "/queue/organizations/globex/agents/queued",
            new StringContent("""{"name":"Queued","firstMessage":"Hi!"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("/queue/organizations/globex/agents/queued", accepted.Headers.Location!.OriginalString);
        Assert.True(await completed);
        var status = await client.GetFromJsonAsync<JsonObject>(accepted.Headers.Location);
        Assert.Equal("Synced", status!["state"]!.GetValue<string>());
        Assert.Equal(completions.Current.AssistantId, status["assistantId"]!.GetValue<string>());
        var overview = await client.GetFromJsonAsync<JsonObject>("/queue?state=Synced");
        Assert.Contains(overview!["items"]!.AsArray(), i => i!["agentKey"]!.GetValue<string>() == "queued");
    }

    [Fact]
    public async Task QueuedPut_InvalidDefinition_Is400BeforeAnythingIsQueued()
    {
        using var client = _factory.CreateClient();

        var response = await client.PutAsync(
            "/queue/organizations/globex/agents/bad",
            new StringContent("""{"name":"A name that is far longer than forty characters"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/queue/organizations/globex/agents/bad")).StatusCode);
    }
}
