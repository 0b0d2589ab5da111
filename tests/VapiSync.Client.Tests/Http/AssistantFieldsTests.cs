using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Tests.Http;

/// <summary>
/// <see cref="AssistantDefinition"/> (what the host sets) and <see cref="VapiAssistant"/> (what Vapi returns) type the
/// same fields under the same JSON names; their JSON names are the one source of truth the rest of the library (request
/// body, hash, drift, copies) works from. These tests are generated from the types, so a field added to one type and
/// not the other, or not carried by a copy, fails here.
/// </summary>
public sealed class AssistantFieldsTests
{
    [Fact]
    public void VapiAssistant_TypedFields_AreTheDefinitionsPlusReadOnlyOnes()
    {
        var definition = TypedFields(typeof(AssistantDefinition));
        var assistant = TypedFields(typeof(VapiAssistant));

        var writable = assistant.Where(f => !AssistantPayload.ReadOnlyFields.Contains(f.Key)).ToDictionary();
        Assert.Equal(definition.OrderBy(f => f.Key, StringComparer.Ordinal), writable.OrderBy(f => f.Key, StringComparer.Ordinal));
        Assert.DoesNotContain(definition.Keys, AssistantPayload.ReadOnlyFields.Contains);
    }

    [Fact]
    public void Clone_CarriesEveryField()
    {
        var json = EveryFieldJson().ToJsonString();
        var original = AssistantDefinition.FromJson(json);

        var clone = original.Clone();
        original.Model!["changed"] = true;
        original.Voice!.VoiceId = "changed";

        Assert.Equal(json, clone.ToJson());
    }

    [Fact]
    public void ToDefinition_CarriesEveryWritableField()
    {
        var expected = EveryFieldJson().ToJsonString();
        var read = EveryFieldJson();
        read["id"] = "7b0c1f2e-0000-4000-8000-000000000001";
        read["orgId"] = "org-1";
        read["createdAt"] = "2026-01-02T03:04:05.678Z";
        read["updatedAt"] = "2026-01-02T03:04:05.678Z";
        read["isServerUrlSecretSet"] = false;
        var assistant = JsonSerializer.Deserialize(read.ToJsonString(), VapiJsonContext.Default.VapiAssistant)!;

        var definition = assistant.ToDefinition();
        assistant.Model!["changed"] = true;

        Assert.Equal(expected, definition.ToJson());
    }

    /// <summary>Every typed field of <see cref="AssistantDefinition"/> set, plus one untyped field.</summary>
    private static JsonObject EveryFieldJson()
    {
        var json = new JsonObject();
        foreach (var (name, type) in TypedFields(typeof(AssistantDefinition)))
        {
            json[name] = type switch
            {
                _ when type == typeof(string) => $"{name} value",
                _ when type == typeof(JsonObject) => new JsonObject { ["field"] = name, ["nested"] = new JsonObject { ["n"] = 1 } },
                _ when type == typeof(VoiceConfig) => new JsonObject { ["provider"] = "azure", ["voiceId"] = "en-US-AndrewNeural", ["speed"] = 1.1 },
                _ => throw new InvalidOperationException($"Give the test a sample value for {name} ({type.Name})."),
            };
        }

        json["server"] = new JsonObject { ["url"] = "https://example.com/hook" };
        return json;
    }

    private static Dictionary<string, Type> TypedFields(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
        .Where(p => p.Name is not null)
        .ToDictionary(p => p.Name!, p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType);
}
