using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace VapiSync.Samples.Tests;

/// <summary>Every bad request to the sample host answers RFC 7807 problem details naming the field, and stays small.</summary>
[Collection(SampleHostCollection.Name)]
public sealed class ProblemDetailsTests(SampleHostTests.Factory factory)
{
    [Theory]
    [InlineData("""{"name":"Support","voice":{"provider":"azure","voiceId":}}""", "voice.voiceId")]
    [InlineData("""{"name":5}""", "name")]
    [InlineData("""{"name":"Support","voice":{"provider":["azure"],"voiceId":"x"}}""", "voice.provider")]
    [InlineData("""{"name":"Support",""", "body")]
    public async Task PutAgent_UnreadableJson_ProblemDetailsNamingTheField(string body, string field)
    {
        using var client = factory.CreateClient();

        using var response = await client.PutAsync("/organizations/globex/agents/bad", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]![field] is JsonArray { Count: > 0 }, problem.ToJsonString());
    }

    [Fact]
    public async Task PutAgent_EmptyBody_ProblemDetails()
    {
        using var client = factory.CreateClient();

        using var response = await client.PutAsync("/organizations/globex/agents/bad", new StringContent(string.Empty, Encoding.UTF8, "application/json"));

        await ReadProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PutAgent_NotJson_ProblemDetailsWith415()
    {
        using var client = factory.CreateClient();

        using var response = await client.PutAsync("/organizations/globex/agents/bad", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        await ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task PutAgent_HundredThousandCharacterName_SmallProblemNamingTheField()
    {
        using var client = factory.CreateClient();
        var body = new JsonObject { ["name"] = new string('x', 100_000) }.ToJsonString();

        using var response = await client.PutAsync("/organizations/globex/agents/huge", new StringContent(body, Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.InRange(text.Length, 1, 1_000);
        var problem = await ReadProblemAsync(response, HttpStatusCode.BadRequest);
        var message = problem["errors"]!["Assistant.Name"]![0]!.GetValue<string>();
        Assert.Contains("has 100000 characters", message, StringComparison.Ordinal);
        Assert.Contains("…", message, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        Assert.NotNull(problem["title"]);
        return problem;
    }
}
