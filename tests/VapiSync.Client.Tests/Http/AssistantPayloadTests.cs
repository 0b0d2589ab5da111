using System.Text.Json;
using System.Text.Json.Nodes;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Sync.Internal;
using VapiSync.Client.Testing.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Tests.Http;

public sealed class AssistantPayloadTests
{
    private const string HostJson = """
        {
          "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
          "orgId": "org-in-vapi",
          "createdAt": "2025-01-01T00:00:00.000Z",
          "updatedAt": "2025-01-02T00:00:00.000Z",
          "name": "Front desk",
          "firstMessage": "Hi, how can I help?",
          "firstMessageMode": "assistant-speaks-first",
          "maxDurationSeconds": 600,
          "voicemailMessage": null,
          "model": { "provider": "openai", "model": "gpt-4o", "temperature": 0.3, "messages": [ { "role": "system", "content": "Be nice." } ] },
          "voice": { "provider": "playht", "voiceId": "jennifer", "speed": 1.1, "temperature": 0.8, "emotion": "female_happy" },
          "transcriber": { "provider": "deepgram", "model": "nova-3", "language": "en" },
          "metadata": { "crmId": 42 },
          "server": { "url": "https://example.com/vapi", "timeoutSeconds": 20 }
        }
        """;

    // The fake's own validator: Vapi's OpenAPI schemas, evaluated with JsonSchema.Net.
    private static readonly VapiSchemaValidator Schema = VapiSchemaValidator.Instance;

    [Fact]
    public void Definition_RoundTripsThroughWebDefaults_WithUnknownFieldsAndNulls()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var definition = JsonSerializer.Deserialize<AssistantDefinition>(HostJson, web)!;
        var written = JsonNode.Parse(JsonSerializer.Serialize(definition, web));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(HostJson), written), written!.ToJsonString());
        Assert.Equal(JsonValueKind.Null, definition.ExtensionData!["voicemailMessage"].ValueKind);
        Assert.Equal(1.1, definition.Voice!.ExtensionData!["speed"].GetDouble());
    }

    [Fact]
    public void RequestBody_NeverCarriesReadOnlyFields()
    {
        var body = AssistantPayload.ToRequestBody(AssistantDefinition.FromJson(HostJson));

        foreach (var field in new[] { "id", "orgId", "createdAt", "updatedAt" })
        {
            Assert.False(body.ContainsKey(field), field);
        }

        Assert.Equal(600, body["maxDurationSeconds"]!.GetValue<int>());
    }

    [Fact]
    public void RequestBody_RawHostJson_FailsVapisSchema()
    {
        // Guards the validator itself: the unnormalized definition (read-only fields, PlayHT settings on Azure...) must fail.
        var raw = JsonNode.Parse(HostJson)!.AsObject();
        raw["voice"] = JsonNode.Parse("""{ "provider": "azure", "voiceId": "en-US-JennyNeural", "temperature": 0.8 }""");

        var errors = Schema.Validate(raw, "CreateAssistantDTO");

        Assert.Contains(errors, e => e.Contains("property id should not exist", StringComparison.Ordinal));
        Assert.Contains("voice.property temperature should not exist", errors);
    }

    [Theory]
    [InlineData("CreateAssistantDTO")]
    [InlineData("UpdateAssistantDTO")]
    public void RequestBody_AfterNormalization_ValidatesAgainstVapisSchema(string dto)
    {
        using var harness = new SyncHarness();
        var request = new AssistantSyncRequest("org-1", "agent-1", AssistantDefinition.FromJson(HostJson));
        var voice = harness.Get<IVoiceNormalizer>().Normalize(request.Assistant.Voice);

        var body = JsonNode.Parse(DesiredAssistant.Build(request, voice, "vapiSyncKey").Body)!;

        Assert.Empty(Schema.Validate(body, dto));
        Assert.Equal("org-1/agent-1", body["metadata"]!["vapiSyncKey"]!.GetValue<string>());
        Assert.Equal(42, body["metadata"]!["crmId"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"provider":"vapi","voiceId":"Kylie","speed":1.2}""")]
    [InlineData("""{"provider":"neets","voiceId":"vits"}""")]
    [InlineData("""{"provider":"11labs","voiceId":"21m00Tcm4TlvDq8ikWAM","stability":0.5,"similarityBoost":0.7,"speed":1.0}""")]
    [InlineData("""{"provider":"deepgram","voiceId":"aura-asteria-en","model":"aura"}""")]
    [InlineData("""{"provider":"azure","voiceId":"jenny","enableSsmlParsing":true}""")]
    public void NormalizedVoice_ValidatesAgainstVapisSchema(string voiceJson)
    {
        using var harness = new SyncHarness();
        var voice = JsonSerializer.Deserialize<VoiceConfig>(voiceJson, new JsonSerializerOptions(JsonSerializerDefaults.Web));

        var result = harness.Get<IVoiceNormalizer>().Normalize(voice);
        var body = AssistantPayload.ToRequestBody(new AssistantDefinition { Voice = result.Result });

        Assert.Empty(Schema.Validate(body, "CreateAssistantDTO"));
    }

    [Fact]
    public void VapiAssistant_ToDefinition_DropsReadOnlyFieldsKeepsTheRest()
    {
        var assistant = JsonSerializer.Deserialize(HostJson, VapiJsonContext.Default.VapiAssistant)!;

        var body = AssistantPayload.ToRequestBody(assistant.ToDefinition());

        Assert.False(body.ContainsKey("id"));
        Assert.Equal("Front desk", body["name"]!.GetValue<string>());
        Assert.True(body.ContainsKey("server"));
    }

    [Theory]
    [InlineData("""{"message":["name must be shorter than or equal to 40 characters","voice.property x should not exist"],"error":"Bad Request","statusCode":400}""", 2, "Bad Request")]
    [InlineData("""{"message":"Invalid Key. Hot tip...","error":"Unauthorized","statusCode":401}""", 1, "Unauthorized")]
    [InlineData("""{"error":"assistant_pinned","message":"pinned"}""", 1, "assistant_pinned")]
    [InlineData("<html>502 Bad Gateway</html>", 1, null)]
    [InlineData("", 0, null)]
    public void ErrorBody_ParsesVapisShapes(string body, int messageCount, string? error)
    {
        var (messages, code) = VapiErrorBody.Parse(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Equal(messageCount, messages.Count);
        Assert.Equal(error, code);
    }

    [Fact]
    public void Cursor_RoundsUpToTheMillisecond()
    {
        var value = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567);

        Assert.Equal("2026-01-02T03:04:05.124Z", VapiClient.FormatCursor(value));
        Assert.Equal("2026-01-02T03:04:05.000Z", VapiClient.FormatCursor(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
    }

    [Fact]
    public void ApiException_CarriesStatusMessagesAndTransience()
    {
        var ex = new VapiApiException(System.Net.HttpStatusCode.BadRequest, ["a", "b"], "Bad Request", "POST /assistant");

        Assert.Equal("Vapi POST /assistant failed with 400 Bad Request: a; b", ex.Message);
        Assert.False(ex.IsTransient);
        Assert.True(new VapiApiException(System.Net.HttpStatusCode.TooManyRequests, []).IsTransient);
        Assert.True(new VapiApiException(0, []).IsNoResponse);
    }
}
