using System.Text.Json;
using System.Text.Json.Serialization;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>Source-generated JSON for the fleet reports: camelCase, indented (they are read by people and scripts), enums as strings.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FleetAuditReport))]
[JsonSerializable(typeof(FleetRepairResult))]
internal sealed partial class FleetJsonContext : JsonSerializerContext;
