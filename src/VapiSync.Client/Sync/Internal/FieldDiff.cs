using System.Text.Json;
using System.Text.Json.Nodes;
using VapiSync.Client.Fleet;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// Field-level comparison of what a sync would send with what Vapi holds — the one diff behind the fleet's drift
/// findings and a sync's dry run. Only the fields the definition sets are compared: Vapi fills in defaults for the
/// rest (and adds fields inside nested objects), which is not drift. Arrays are compared whole, since their order is
/// meaningful (model messages, tools).
/// </summary>
internal static class FieldDiff
{
    /// <summary>Compares the body a sync sends with an assistant as Vapi returns it (every field Vapi returned, named or not).</summary>
    public static List<FleetFieldDifference> Compare(JsonObject expected, VapiAssistant actual) =>
        Compare(expected, JsonSerializer.SerializeToNode(actual, VapiJsonContext.Default.VapiAssistant)!.AsObject());

    /// <summary>Compares two bodies; an empty <paramref name="actual"/> lists every field of <paramref name="expected"/> (a planned create).</summary>
    public static List<FleetFieldDifference> Compare(JsonObject expected, JsonObject actual)
    {
        var differences = new List<FleetFieldDifference>();
        CompareObject(string.Empty, expected, actual, differences);
        return differences;
    }

    private static void CompareObject(string path, JsonObject expected, JsonObject actual, List<FleetFieldDifference> differences)
    {
        foreach (var (name, expectedValue) in expected.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var fieldPath = path.Length == 0 ? name : path + "." + name;
            actual.TryGetPropertyValue(name, out var actualValue);
            if (expectedValue is JsonObject expectedObject && actualValue is JsonObject actualObject)
            {
                CompareObject(fieldPath, expectedObject, actualObject, differences);
            }
            else if (!JsonNode.DeepEquals(expectedValue, actualValue))
            {
                differences.Add(new FleetFieldDifference(fieldPath, expectedValue?.ToJsonString(), actualValue?.ToJsonString()));
            }
        }
    }
}
