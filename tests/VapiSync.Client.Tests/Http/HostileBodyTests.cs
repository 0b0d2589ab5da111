using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using NSubstitute;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Tests.Http;

/// <summary>Every failure typed, for every body a server can send and every input the public API accepts.</summary>
public sealed class HostileBodyTests
{
    private const string AssistantId = "3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59";

    public static TheoryData<string> HostileListings => new()
    {
        "[null]",
        """{"data":[null]}""",
        """[{"id":5,"createdAt":"2026-01-01T00:00:00Z"}]""",
        """[{"id":null,"createdAt":"2026-01-01T00:00:00Z"}]""",
        """[{"createdAt":"2026-01-01T00:00:00Z"}]""",
        """[{"id":"not-a-uuid","createdAt":"2026-01-01T00:00:00Z"}]""",
        """[{"id":"3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59","createdAt":"yesterday"}]""",
        "null",
        "\"text\"",
        "{",
        new string('[', 500) + new string(']', 500),
        "[" + new string('{', 1) + "\"metadata\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201) + "]",
    };

    [Theory]
    [MemberData(nameof(HostileListings))]
    public async Task List_HostileBody_TypedMalformedResponse(string body)
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(TransportHarness.Json(HttpStatusCode.OK, body)));

        var error = await Assert.ThrowsAsync<VapiApiException>(async () =>
        {
            await foreach (var _ in h.Client.ListAssistantsAsync(TransportHarness.Credential()))
            {
            }
        });

        Assert.Equal(VapiErrorCodes.MalformedResponse, error.ErrorCode);
        Assert.Equal(FailureKind.NoAnswer, FailureClassifier.Classify(error));
    }

    [Theory]
    [InlineData("[null]")]
    [InlineData("{\"message\":[null,{\"a\":[1]}],\"error\":5}")]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("")]
    public async Task Get_ErrorStatusWithHostileBody_TypedWithStatus(string body)
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(TransportHarness.Json(HttpStatusCode.BadGateway, body)));
        var get = h.Client.GetAssistantAsync(TransportHarness.Credential(), AssistantId);
        await h.AdvanceUntilDoneAsync(get, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<VapiApiException>(() => get);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
    }

    [Fact]
    public async Task Get_ErrorBodyNestedTooDeep_TypedAndBounded()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"message\":", 5000)) + "\"x\"" + new string('}', 5000);
        using var h = new TransportHarness((_, _) => Task.FromResult(TransportHarness.Json(HttpStatusCode.BadRequest, deep)));

        var error = await Assert.ThrowsAsync<VapiApiException>(() => h.Client.GetAssistantAsync(TransportHarness.Credential(), AssistantId));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.True(error.Message.Length < 2000, $"message of {error.Message.Length} characters");
    }

    [Fact]
    public async Task Create_SuccessBodyLargerThanLimit_TypedMalformedResponse()
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created) { Content = new EndlessContent() }));

        var error = await Assert.ThrowsAsync<VapiApiException>(() => h.Client.CreateAssistantAsync(TransportHarness.Credential(), new AssistantDefinition { Name = "a" }));

        Assert.Equal(VapiErrorCodes.MalformedResponse, error.ErrorCode);
        Assert.Equal(FailureKind.NoAnswer, FailureClassifier.Classify(error));
    }

    [Fact]
    public async Task Create_ModelNested70Deep_ValidationErrorNamingTheFieldBeforeAnyCall()
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(TransportHarness.Json(HttpStatusCode.Created, TransportHarness.AssistantJson)));

        var error = await Assert.ThrowsAsync<VapiValidationException>(() => h.Client.CreateAssistantAsync(TransportHarness.Credential(), new AssistantDefinition { Model = Nested(70) }));

        Assert.Equal("Assistant.Model", Assert.Single(error.ValidationErrors).Field);
        Assert.Equal(0, h.Handler.Sent);
    }

    [Fact]
    public async Task Ensure_ModelNested70Deep_ValidationErrorBeforeAnyCall()
    {
        using var h = new SyncHarness();
        var request = SyncHarness.Request() with { Assistant = new AssistantDefinition { Name = "a", Model = Nested(70) } };

        var error = await Assert.ThrowsAsync<VapiValidationException>(() => h.Manager.EnsureAssistantAsync(request));

        Assert.Equal("Assistant.Model", Assert.Single(error.ValidationErrors).Field);
        Assert.Empty(h.Client.ReceivedCalls());
    }

    [Fact]
    public async Task Ensure_CustomVoiceWithNullVoiceId_SyncsWithoutNullReference()
    {
        using var h = new SyncHarness();
        h.ReturnsOnList();
        h.CreateReturnsNew();
        var voice = JsonSerializer.Deserialize<VoiceConfig>("""{"provider":"custom-voice","voiceId":null,"server":{"url":"https://voice.example.com"}}""")!;
        var request = SyncHarness.Request() with { Assistant = new AssistantDefinition { Name = "a", Voice = voice } };

        var result = await h.Manager.EnsureAssistantAsync(request);

        Assert.Equal(SyncOutcome.Created, result.Outcome);
        Assert.Equal("custom-voice", result.Voice.Result?.Provider);
    }

    [Fact]
    public void Normalize_ProviderAndVoiceIdNull_NoNullReference()
    {
        using var h = new SyncHarness();
        var voice = JsonSerializer.Deserialize<VoiceConfig>("""{"provider":null,"voiceId":null}""")!;

        var result = h.Get<IVoiceNormalizer>().Normalize(voice);

        Assert.NotNull(result.Result);
    }

    [Fact]
    public void ValidationException_HugeMessage_IsBoundedAndStructured()
    {
        var huge = new string('x', 1_000_000);

        var error = new VapiValidationException([$"Assistant.Name: '{huge}' is too long."]);

        Assert.Equal("Assistant.Name", error.ValidationErrors[0].Field);
        Assert.True(error.Message.Length < 1000, $"message of {error.Message.Length} characters");
        Assert.True(error.Errors[0].Length < 1000);
    }

    private static JsonObject Nested(int depth)
    {
        var root = new JsonObject();
        var current = root;
        for (var i = 0; i < depth; i++)
        {
            var next = new JsonObject();
            current["n"] = next;
            current = next;
        }

        return root;
    }

    /// <summary>A body that never ends: only a size limit stops the reader.</summary>
    private sealed class EndlessContent : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)' ');
            while (true)
            {
                await stream.WriteAsync(chunk);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
