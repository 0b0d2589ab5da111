using System.Text.Json.Nodes;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>
/// Field-level comparison of what a sync would send with what Vapi holds. Only the fields the definition sets are
/// compared: Vapi fills in defaults for the rest (and adds fields inside nested objects), which is not drift.
/// Arrays are compared whole, since their order is meaningful (model messages, tools).
/// </summary>
internal static class FieldDiff
{
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
