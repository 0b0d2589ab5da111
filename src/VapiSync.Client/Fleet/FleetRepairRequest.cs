namespace VapiSync.Client.Fleet;

/// <summary>Which findings to fix, and whether to write or only show what would be written.</summary>
/// <param name="Audit">The audit to run first; the repair fixes what it finds.</param>
/// <param name="Kinds">The kinds of findings to fix; <see cref="FleetRepairKinds.Orphans"/> only when named.</param>
public sealed record FleetRepairRequest(FleetAuditRequest Audit, FleetRepairKinds Kinds)
{
    /// <summary>Gets a value indicating whether to write; otherwise the repair is a dry run that sends no write.</summary>
    /// <value>The default value is <see langword="false"/> (dry run).</value>
    public bool Apply { get; init; }

    /// <summary>Gets how many fixes run at once.</summary>
    /// <value>The default value is 8. Valid values are 1 to 64.</value>
    public int MaxDegreeOfParallelism { get; init; } = 8;

    /// <summary>Gets the assistants to fix, when only some are selected; <see langword="null"/> fixes every finding of the chosen kinds.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyCollection<string>? AssistantIds { get; init; }
}
