using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace VapiSync.Client.IntegrationTests.Schema;

/// <summary>
/// The schema the fake embeds is reproducible: it is exactly what <see cref="VapiSchemaGenerator"/> makes of Vapi's
/// OpenAPI document. To regenerate after updating the document, run this test with
/// <c>VAPISYNC_REGENERATE_SCHEMA=1</c> (and <c>VAPI_OPENAPI_PATH</c> when the document is not at <c>shared/vapi-openapi.json</c>
/// beside or above the repository).
/// </summary>
public sealed class EmbeddedSchemaTests(ITestOutputHelper output)
{
    private const string Source = "VapiAI/docs fern/apis/api/openapi.json @ eabfa530011ea11c0387cafc424df7a105bf9de5";

    [Fact]
    public void EmbeddedSchema_IsTheGenerationOfVapisOpenApiDocument()
    {
        var repository = Ancestors(AppContext.BaseDirectory).First(d => File.Exists(Path.Combine(d, "VapiSync.Client.sln")));
        var embedded = Path.Combine(repository, "src", "VapiSync.Client.Testing", "Schema", "vapi-assistant.schema.json");
        var openApi = Environment.GetEnvironmentVariable("VAPI_OPENAPI_PATH")
            ?? Ancestors(repository).Select(d => Path.Combine(d, "shared", "vapi-openapi.json")).FirstOrDefault(File.Exists);
        if (openApi is null)
        {
            output.WriteLine("Vapi's OpenAPI document not found (set VAPI_OPENAPI_PATH): nothing to compare against.");
            return;
        }

        var generated = VapiSchemaGenerator.Generate(JsonNode.Parse(File.ReadAllText(openApi))!.AsObject(), Source);
        if (Environment.GetEnvironmentVariable("VAPISYNC_REGENERATE_SCHEMA") == "1")
        {
            File.WriteAllText(embedded, generated);
        }

        Assert.True(generated == File.ReadAllText(embedded), $"{embedded} is stale: rerun this test with VAPISYNC_REGENERATE_SCHEMA=1.");
        Assert.InRange(new FileInfo(embedded).Length, 1, 400_000); // embedded in the Testing package: keep it small
    }

    private static IEnumerable<string> Ancestors(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            yield return current.FullName;
        }
    }
}
