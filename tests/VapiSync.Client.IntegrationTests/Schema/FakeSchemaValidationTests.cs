using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests.Schema;

/// <summary>The fake rejects what Vapi's schema rejects, nested schemas included, in Vapi's 400 shape naming the field.</summary>
public sealed class FakeSchemaValidationTests : IAsyncLifetime
{
    private FakeVapiServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-schema" });
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-schema");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"model":{"provider":"openai"}}""", "model.model should not be empty")]
    [InlineData("""{"model":{"provider":"openai","model":"gpt-4o","messages":[{"role":"narrator","content":"x"}]}}""", "model.messages.0.role must be one of the following values:")]
    [InlineData("""{"model":{"provider":"no-such-llm","model":"x"}}""", "model.provider must be one of the following values:")]
    [InlineData("""{"voice":{"provider":"azure","voiceId":"en-US-JennyNeural","stability":0.5}}""", "voice.property stability should not exist")]
    [InlineData("""{"voice":{"provider":"11labs","voiceId":"sarah","fallbackPlan":{"voices":[{"provider":"azure","voiceId":"andrew","bogus":1}]}}}""", "voice.fallbackPlan.voices.0.property bogus should not exist")]
    [InlineData("""{"transcriber":{"provider":"deepgram","model":"nova-3","language":7}}""", "transcriber.language must be a string")]
    [InlineData("""{"maxDurationSeconds":5}""", "maxDurationSeconds must not be less than 10")]
    [InlineData("""{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6"}""", "property id should not exist")]
    public async Task Create_SchemaViolation_Is400InVapisShapeNamingTheField(string body, string message)
    {
        using var response = await _http.PostAsync("assistant", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Bad Request", error["error"]!.GetValue<string>());
        Assert.Equal(400, error["statusCode"]!.GetValue<int>());
        Assert.Contains(error["message"]!.AsArray(), m => m!.GetValue<string>().StartsWith(message, StringComparison.Ordinal));
        Assert.Empty(_server.GetAssistants("default"));
    }

    [Fact]
    public async Task Patch_ValidatesAgainstUpdateAssistantDto()
    {
        var id = _server.SeedAssistant("default", new JsonObject { ["name"] = "Seeded" });

        using var response = await _http.PatchAsync($"assistant/{id}", new StringContent("""{"model":{"provider":"openai"}}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("model.model should not be empty", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NullForOptionalFields_IsAccepted()
    {
        // class-validator's @IsOptional() skips null: Vapi takes null as "cleared".
        using var response = await _http.PostAsync("assistant", new StringContent("""{"name":"n","voicemailMessage":null,"voice":null,"model":null}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData(30, HttpStatusCode.Created)]
    [InlineData(40, HttpStatusCode.Created)]
    [InlineData(41, HttpStatusCode.BadRequest)]
    public async Task Create_NameLength_CountsCodePointsAsVapi(int emoji, HttpStatusCode expected)
    {
        var body = new JsonObject { ["name"] = string.Concat(Enumerable.Repeat("\U0001F600", emoji)) }.ToJsonString();

        using var response = await _http.PostAsync("assistant", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
    }
}
