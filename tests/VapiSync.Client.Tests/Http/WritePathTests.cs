using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Tests.Http;

/// <summary>
/// The cheaper write path keeps every guarantee: a write whose answer is not kept still reads it to its end under the
/// timeouts, a failure's body still carries Vapi's message, each tenant's request carries its own key, and a key that
/// cannot travel in a header is refused before any request, even right after a good one.
/// </summary>
public sealed class WritePathTests
{
    private const string Id = "3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"name":"a"}""");

    [Fact]
    public async Task Patch_HeadersThenStalledBody_FailsAsTypedTimeoutWithinTotalTimeout()
    {
        var bodies = new List<TransportHarness.StalledContent>();
        using var h = new TransportHarness((_, _) =>
        {
            var body = new TransportHarness.StalledContent();
            lock (bodies)
            {
                bodies.Add(body);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = body });
        });

        var patch = Own(h).UpdateAssistantAsync(TransportHarness.Credential(), Id, Body, CancellationToken.None);
        var started = h.Time.GetUtcNow();
        await h.AdvanceUntilDoneAsync(patch, TimeSpan.FromMinutes(5));

        Assert.True(patch.IsCompleted, "the PATCH still hangs on a body that never arrives");
        var error = await Assert.ThrowsAsync<VapiApiException>(() => patch);
        Assert.Equal(VapiErrorCodes.Timeout, error.ErrorCode);
        Assert.All(bodies, b => Assert.True(b.Started.Task.IsCompleted, "a body was never read"));
        Assert.InRange(h.Time.GetUtcNow() - started, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(36));
    }

    [Fact]
    public async Task Delete_HeadersThenStalledBody_FailsAsTypedTimeout()
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new TransportHarness.StalledContent() }));

        var delete = h.Client.DeleteAssistantAsync(TransportHarness.Credential(), Id);
        await h.AdvanceUntilDoneAsync(delete, TimeSpan.FromMinutes(5));

        Assert.True(delete.IsCompleted, "the DELETE still hangs on a body that never arrives");
        Assert.Equal(VapiErrorCodes.Timeout, (await Assert.ThrowsAsync<VapiApiException>(() => delete)).ErrorCode);
    }

    [Fact]
    public async Task Patch_SuccessBody_IsReadToItsEndInsideTheRequest()
    {
        var body = new CountedContent(TransportHarness.AssistantJson);
        using var h = new TransportHarness((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = body }));

        await Own(h).UpdateAssistantAsync(TransportHarness.Credential(), Id, Body, CancellationToken.None).WaitAsync(TransportHarness.Guard);

        Assert.Equal(1, body.Copies);
        Assert.Equal(Encoding.UTF8.GetByteCount(TransportHarness.AssistantJson), body.Written);
    }

    [Fact]
    public async Task Patch_Refused_StillCarriesVapisMessage()
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(
            TransportHarness.Json(HttpStatusCode.BadRequest, """{"message":["voice.voiceId must be one of the following values"],"error":"Bad Request","statusCode":400}""")));

        var error = await Assert.ThrowsAsync<VapiApiException>(() => Own(h).UpdateAssistantAsync(TransportHarness.Credential(), Id, Body, CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("voice.voiceId must be one of the following values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ParsesTheBufferedAnswer_AndAMalformedOneStillShowsItsStart()
    {
        var calls = 0;
        using var h = new TransportHarness((_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? TransportHarness.Json(HttpStatusCode.Created, TransportHarness.AssistantJson)
            : TransportHarness.Json(HttpStatusCode.Created, """{"id": 42, "not": "an assistant"}""")));

        var created = await Own(h).CreateAssistantAsync(TransportHarness.Credential(), Body, CancellationToken.None);
        var error = await Assert.ThrowsAsync<VapiApiException>(() => Own(h).CreateAssistantAsync(TransportHarness.Credential(), Body, CancellationToken.None));

        Assert.Equal(Id, created.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), created.CreatedAt);
        Assert.Equal(VapiErrorCodes.MalformedResponse, error.ErrorCode);
        Assert.Contains("""Body starts: {"id": 42""", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_OfTwoTenants_EachCarryTheirOwnKeyAndTheHeadersVapiExpects()
    {
        var contentTypes = new List<string>();
        var agents = new List<string>();
        using var h = new TransportHarness((request, _) =>
        {
            lock (contentTypes)
            {
                contentTypes.Add(request.Content?.Headers.ContentType?.ToString() ?? string.Empty);
                agents.Add(request.Headers.UserAgent.ToString());
            }

            return Task.FromResult(TransportHarness.Json(HttpStatusCode.OK, TransportHarness.AssistantJson));
        });
        string[] keys = ["sk-tenant-a-0123456789", "sk-tenant-b-0123456789", "sk-tenant-a-0123456789", new string("sk-tenant-a-0123456789".AsSpan())];

        foreach (var key in keys)
        {
            await Own(h).UpdateAssistantAsync(new VapiCredential(key, "test"), Id, Body, CancellationToken.None);
        }

        Assert.Equal(keys.Select(k => "Bearer " + k), h.Handler.Authorizations);
        Assert.All(contentTypes, c => Assert.Equal("application/json; charset=utf-8", c));
        Assert.All(agents, a => Assert.StartsWith("VapiSync.Client/", a, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sk-bad\r\nX-Injected: 1")]
    [InlineData("sk-bad key")]
    [InlineData("sk-bad-é")]
    public async Task UnusableKey_RightAfterAGoodOne_IsRefusedBeforeAnyRequest(string badKey)
    {
        using var h = new TransportHarness((_, _) => Task.FromResult(TransportHarness.Json(HttpStatusCode.OK, TransportHarness.AssistantJson)));
        await Own(h).UpdateAssistantAsync(TransportHarness.Credential(), Id, Body, CancellationToken.None);

        var error = await Assert.ThrowsAsync<VapiApiException>(() => Own(h).UpdateAssistantAsync(new VapiCredential(badKey, "test"), Id, Body, CancellationToken.None));

        Assert.Equal(VapiErrorCodes.InvalidCredential, error.ErrorCode);
        Assert.Equal(1, h.Handler.Sent);
        Assert.DoesNotContain(badKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VoicePatch_IsTheBytesOfTheDefinitionHoldingOnlyTheVoice()
    {
        var voice = new VoiceConfig
        {
            Provider = "azure",
            VoiceId = "en-US-JennyNeural",
            ExtensionData = new() { ["speed"] = System.Text.Json.JsonSerializer.SerializeToElement(1.1), ["id"] = System.Text.Json.JsonSerializer.SerializeToElement("<kept: nested>") },
        };

        var fast = AssistantPayload.VoicePatch(voice);
        var tree = AssistantPayload.ToUtf8(AssistantPayload.ToRequestBody(new AssistantDefinition { Voice = voice }));

        Assert.Equal(Encoding.UTF8.GetString(tree), Encoding.UTF8.GetString(fast));
        Assert.Equal("azure", JsonNode.Parse(fast)!["voice"]!["provider"]!.GetValue<string>());
    }

    [Fact]
    public void VoicePatch_OneAfterAnother_EachIsItsOwnWholeBody()
    {
        var small = new VoiceConfig { Provider = "azure", VoiceId = "en-US-JennyNeural" };
        var large = new VoiceConfig { Provider = "11labs", VoiceId = new string('v', 40_000) };

        var first = Encoding.UTF8.GetString(AssistantPayload.VoicePatch(small));
        var big = AssistantPayload.VoicePatch(large);
        var again = Encoding.UTF8.GetString(AssistantPayload.VoicePatch(small));

        Assert.Equal(first, again);
        Assert.Equal("""{"voice":{"provider":"azure","voiceId":"en-US-JennyNeural"}}""", first);
        Assert.Equal(40_000, JsonNode.Parse(big)!["voice"]!["voiceId"]!.GetValue<string>().Length);
    }

    private static VapiClient Own(TransportHarness h) => (VapiClient)h.Client;

    /// <summary>A body that counts how often, and how much of it, was copied out.</summary>
    private sealed class CountedContent(string json) : HttpContent
    {
        private readonly byte[] _bytes = Encoding.UTF8.GetBytes(json);

        public int Copies { get; private set; }

        public long Written { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            Copies++;
            await stream.WriteAsync(_bytes);
            Written += _bytes.Length;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}
