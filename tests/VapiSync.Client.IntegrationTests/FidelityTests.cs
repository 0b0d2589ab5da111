using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// The fake's contract with its clients, written so the official @vapi-ai/server-sdk could pass it too: every body the
/// fake returns reads into our models with nothing lost, and errors have Vapi's documented shape.
/// </summary>
public sealed class FidelityTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private FakeVapiServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-contract", RateLimitPerWindow = 50, RateLimitWindow = TimeSpan.FromMinutes(1) });
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-contract");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private const string RichBody = """
        {
          "name": "Contract",
          "firstMessage": "Hi",
          "firstMessageMode": "assistant-waits-for-user",
          "voicemailMessage": null,
          "maxDurationSeconds": 300,
          "model": { "provider": "openai", "model": "gpt-4o", "temperature": 0.2, "messages": [ { "role": "system", "content": "x" } ] },
          "voice": { "provider": "11labs", "voiceId": "21m00Tcm4TlvDq8ikWAM", "stability": 0.5, "speed": 1.0 },
          "transcriber": { "provider": "deepgram", "model": "nova-3" },
          "metadata": { "vapiSyncKey": "o/a", "nested": { "list": [1, "two", null] } },
          "server": { "url": "https://example.com/hook", "timeoutSeconds": 20 }
        }
        """;

    [Fact]
    public async Task EveryAssistantResponse_ReadsIntoVapiAssistantWithNoDataLoss()
    {
        var bodies = new List<string>();
        using var created = await _http.PostAsync("assistant", new StringContent(RichBody, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        bodies.Add(await created.Content.ReadAsStringAsync());
        var id = JsonNode.Parse(bodies[0])!["id"]!.GetValue<string>();
        bodies.Add(await _http.GetStringAsync($"assistant/{id}"));
        using var patched = await _http.PatchAsync($"assistant/{id}", JsonContent.Create(new { name = "Renamed" }));
        bodies.Add(await patched.Content.ReadAsStringAsync());
        var list = JsonNode.Parse(await _http.GetStringAsync("assistant?limit=5"))!.AsArray();
        bodies.AddRange(list.Select(n => n!.ToJsonString()));
        using var deleted = await _http.DeleteAsync($"assistant/{id}");
        bodies.Add(await deleted.Content.ReadAsStringAsync());

        foreach (var body in bodies)
        {
            var model = JsonSerializer.Deserialize<VapiAssistant>(body, Web)!;
            var written = Instants(JsonNode.Parse(JsonSerializer.Serialize(model, Web))!);
            var original = Instants(JsonNode.Parse(body)!);
            Assert.True(JsonNode.DeepEquals(original, written), $"lost data:\n{original}\n{written}");
            Assert.Equal(id, model.Id);
            Assert.Equal("default", model.OrgId);
        }

        Assert.Equal("Renamed", JsonNode.Parse(bodies[2])!["name"]!.GetValue<string>());
        Assert.Equal("Hi", JsonNode.Parse(bodies[2])!["firstMessage"]!.GetValue<string>());
    }

    /// <summary>Timestamps compare as instants: "...Z" and "...+00:00" are the same moment.</summary>
    private static JsonNode Instants(JsonNode node)
    {
        foreach (var field in new[] { "createdAt", "updatedAt" })
        {
            node[field] = DateTimeOffset.Parse(node[field]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).UtcTicks;
        }

        return node;
    }

    [Theory]
    [InlineData("POST", "assistant", """{"name":"x","id":"not-allowed"}""", 400, true)]
    [InlineData("POST", "assistant", """{"voice":{"provider":"neets","voiceId":"x"}}""", 400, true)]
    [InlineData("POST", "assistant", """{"voice":{"provider":"azure","voiceId":"en-US-AriaNeural","stability":1}}""", 400, true)]
    [InlineData("GET", "assistant/3fa85f64-5717-4562-b3fc-2c963f66afa6", null, 404, false)]
    [InlineData("GET", "assistant?limit=5000", null, 400, true)]
    public async Task ErrorBodies_HaveVapisShape(string method, string path, string? body, int status, bool messageIsArray)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(status, json["statusCode"]!.GetValue<int>());
        Assert.Equal(ReasonPhrase(status), json["error"]!.GetValue<string>());
        Assert.Equal(messageIsArray, json["message"] is JsonArray);
    }

    [Fact]
    public async Task UnknownKey_Gets401WithVapisText()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "assistant");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-nope");

        using var response = await _http.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Invalid Key. Hot tip", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Unauthorized", json["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task RateLimit_Answers429WithRetryAfter()
    {
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 60 && limited is null; i++)
        {
            var response = await _http.GetAsync("assistant");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("Rate limit exceeded", JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
        limited.Dispose();
    }

    [Fact]
    public async Task Requests_RecordKeyFingerprintNeverTheKey()
    {
        await _http.GetAsync("assistant");

        var recorded = Assert.Single(_server.Requests);
        Assert.Equal(Credentials.VapiCredential.ComputeFingerprint("sk-contract"), recorded.KeyFingerprint);
        Assert.DoesNotContain("sk-contract", recorded.ToString(), StringComparison.Ordinal);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}
