using System.Text.Json;
using VapiSync.Client.Fleet.Internal;

namespace VapiSync.Client.Fleet;

/// <summary>What a repair did (or, in a dry run, would do).</summary>
public sealed record FleetRepairResult
{
    /// <summary>Gets the audit the repair was based on (taken just before writing).</summary>
    public required FleetAuditReport Audit { get; init; }

    /// <summary>Gets a value indicating whether writes were made; <see langword="false"/> for a dry run.</summary>
    public required bool Applied { get; init; }

    /// <summary>Gets one action per write, ordered by assistant id (an assistant can need a re-applied definition and a voice PATCH).</summary>
    public IReadOnlyList<FleetRepairAction> Actions { get; init; } = [];

    /// <summary>Gets how many writes were sent to Vapi (0 for a dry run).</summary>
    public int WriteCount => Actions.Count(a => a.Status is FleetRepairStatus.Done or FleetRepairStatus.AlreadyDone or FleetRepairStatus.Failed);

    /// <summary>Gets how many fixes are still to do: planned (dry run) or failed. The next repair tries them again.</summary>
    public int RemainingCount => Actions.Count(a => a.Status is FleetRepairStatus.Failed or FleetRepairStatus.Planned);

    /// <summary>Writes the result as indented JSON (camelCase, enums as strings).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, FleetJsonContext.Default.FleetRepairResult);
}
