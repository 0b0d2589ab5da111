using System.Text.Json;
using VapiSync.Client.Fleet.Internal;

namespace VapiSync.Client.Fleet;

/// <summary>What an audit found in one organization's Vapi account. Round-trips through <see cref="ToJson"/> / <see cref="FromJson"/>.</summary>
public sealed record FleetAuditReport
{
    /// <summary>Gets the audited organization.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the fingerprint of the key the account was listed with (never the key).</summary>
    public required string AccountFingerprint { get; init; }

    /// <summary>Gets when the listing finished.</summary>
    public required DateTimeOffset AuditedAt { get; init; }

    /// <summary>Gets how many assistants the account holds.</summary>
    public required int AssistantCount { get; init; }

    /// <summary>Gets how many of them carry a sync key of the audited organization.</summary>
    public required int ManagedCount { get; init; }

    /// <summary>Gets how many carry no sync key at all.</summary>
    public required int UnmanagedCount { get; init; }

    /// <summary>Gets how many carry the sync key of another organization sharing the account (only their voices are audited).</summary>
    public int OtherOrganizationsCount { get; init; }

    /// <summary>Gets a value indicating whether orphans were looked for (see <see cref="FleetAuditRequest.OrphanSource"/>).</summary>
    public required bool OrphansChecked { get; init; }

    /// <summary>Gets the keys of agents passed in <see cref="FleetAuditRequest.Agents"/> that no assistant belongs to: a sync would create them.</summary>
    public IReadOnlyList<string> MissingAgentKeys { get; init; } = [];

    /// <summary>Gets the findings, ordered by kind, then assistant id. One assistant can have several.</summary>
    public IReadOnlyList<FleetFinding> Findings { get; init; } = [];

    /// <summary>Gets a value indicating whether nothing was found.</summary>
    public bool IsClean => Findings.Count == 0;

    /// <summary>Counts the findings of one kind.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>How many findings are of that kind.</returns>
    public int Count(FleetFindingKind kind) => Findings.Count(f => f.Kind == kind);

    /// <summary>Writes the report as indented JSON (camelCase, enums as strings).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, FleetJsonContext.Default.FleetAuditReport);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">The text is not such a report.</exception>
    public static FleetAuditReport FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, FleetJsonContext.Default.FleetAuditReport)
            ?? throw new JsonException("The JSON text is 'null', not an audit report.");
    }

    /// <summary>Writes the report as a Markdown document: a summary table, then one section per kind of finding.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown() => FleetMarkdown.Write(this);
}
