using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VapiSync.Samples.Tests;

/// <summary>One sample host for every class that needs it: WebApplicationFactory intercepts hosts built while it resolves
/// the entry point, so two factories starting at once could capture each other's embedded FakeVapiServer.</summary>
[CollectionDefinition(Name)]
public sealed class SampleHostCollection : ICollectionFixture<SampleHostTests.Factory>
{
    public const string Name = "Sample host";
}

[Collection(SampleHostCollection.Name)]
public sealed class SampleHostTests
{
    private readonly Factory _factory;

    public SampleHostTests(Factory factory) => _factory = factory;

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [Fact]
    public async Task PutAgent_LegacyVoice_CreatedThenUnchangedThenDeleted()
    {
        using var client = _factory.CreateClient();
        const string Body = """{"name":"Support","firstMessage":"Hi!","voice":{"provider":"playht","voiceId":"jennifer","temperature":0.5}}""";

        var created = await client.PutAsync("/organizations/globex/agents/support", Json(Body));
        var first = await created.Content.ReadFromJsonAsync<JsonObject>();
        var again = await (await client.PutAsync("/organizations/globex/agents/support", Json(Body))).Content.ReadFromJsonAsync<JsonObject>();
        var deleted = await client.DeleteAsync("/organizations/globex/agents/support");
        var deletedAgain = await client.DeleteAsync("/organizations/globex/agents/support");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("Created", first!["outcome"]!.GetValue<string>());
        Assert.Equal("azure/en-US-JennyNeural", first["voice"]!["sent"]!.GetValue<string>());
        Assert.True(first["voice"]!["changed"]!.GetValue<bool>());
        Assert.Equal("Options:PlatformApiKey", first["credentialSource"]!.GetValue<string>());
        Assert.Equal("Unchanged", again!["outcome"]!.GetValue<string>());
        Assert.Equal(first["assistantId"]!.GetValue<string>(), again["assistantId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    [Fact]
    public async Task PutAgent_OrganizationInKeyFile_UsesTheHostsKeyStore()
    {
        using var client = _factory.CreateClient();

        var result = await (await client.PutAsync("/organizations/acme/agents/sales", Json("""{"name":"Sales"}"""))).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("JsonFileKeyStore", result!["credentialSource"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutAgent_NameTooLong_400ProblemNamingTheField()
    {
        using var client = _factory.CreateClient();

        var response = await client.PutAsync("/organizations/globex/agents/long", Json("""{"name":"A name that is far longer than forty characters"}"""));
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        Assert.Contains("Vapi allows at most 40", problem!["errors"]!["Assistant.Name"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Circuit_IsolateDegradesHealthAndBlocksSaves_ResetRestores()
    {
        using var client = _factory.CreateClient();

        var isolated = await (await client.PostAsync("/vapi/circuit/isolate", null)).Content.ReadFromJsonAsync<JsonObject>();
        var health = await client.GetStringAsync("/health");
        var blocked = await client.PutAsync("/organizations/globex/agents/blocked", Json("""{"name":"Blocked"}"""));
        var reset = await (await client.PostAsync("/vapi/circuit/reset", null)).Content.ReadFromJsonAsync<JsonObject>();
        var circuit = await client.GetFromJsonAsync<JsonObject>("/vapi/circuit");
        var healthAfter = await client.GetStringAsync("/health");
        var saved = await client.PutAsync("/organizations/globex/agents/blocked", Json("""{"name":"Blocked"}"""));

        Assert.Equal("Isolated", isolated!["state"]!.GetValue<string>());
        Assert.NotNull(isolated["openedAt"]);
        Assert.Equal("Degraded", health);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
        Assert.Equal("Closed", reset!["state"]!.GetValue<string>());
        Assert.Equal("Closed", circuit!["state"]!.GetValue<string>());
        Assert.Equal("Healthy", healthAfter);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
    }

    public sealed class Factory : WebApplicationFactory<Program>
    {
        private readonly string _keys = Path.Combine(Path.GetTempPath(), $"vapisync-sample-keys-{Guid.NewGuid():N}.json");

        public Factory()
        {
            // Read by the sample before its host is built: never let a developer's real key reach these tests.
            Environment.SetEnvironmentVariable("VapiSync__ApiKeyEnvironmentVariable", "VAPISYNC_SAMPLE_TESTS_NO_KEY");
            File.WriteAllText(_keys, $$"""{ "acme": "{{Sample.EmbeddedVapi.FakeKey}}" }""");
        }

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) =>
            builder.UseSetting("Sample:OrganizationKeysFile", _keys);

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            File.Delete(_keys);
        }
    }
}
