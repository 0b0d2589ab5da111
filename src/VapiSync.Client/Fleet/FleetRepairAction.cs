namespace VapiSync.Client.Fleet;

/// <summary>One fix: which assistant, which write, and what became of it.</summary>
public sealed record FleetRepairAction
{
    /// <summary>Gets the assistant fixed.</summary>
    public required string AssistantId { get; init; }

    /// <summary>Gets the kinds of findings this write fixes (a re-applied definition also fixes a legacy voice).</summary>
    public required IReadOnlyList<FleetFindingKind> Fixes { get; init; }

    /// <summary>Gets the write.</summary>
    public required FleetRepairOperation Operation { get; init; }

    /// <summary>Gets what became of it.</summary>
    public required FleetRepairStatus Status { get; init; }

    /// <summary>Gets the agent key, when the assistant is managed by the audited organization.</summary>
    public string? AgentKey { get; init; }

    /// <summary>Gets a one-line, human-readable description of the write.</summary>
    public required string Description { get; init; }

    /// <summary>Gets why the write failed (status and Vapi's message; never a key), when it did.</summary>
    public string? Error { get; init; }
}
