using System.Globalization;
using System.Text;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>Renders an audit report as Markdown: a summary table, then one section per kind of finding.</summary>
internal static class FleetMarkdown
{
    public static string Write(FleetAuditReport report)
    {
        var md = new StringBuilder();
        Line(md, $"# Vapi fleet audit: organization {report.OrganizationId}");
        md.AppendLine();
        Line(md, $"Audited {report.AuditedAt:u} with key fingerprint `{report.AccountFingerprint}`: {report.AssistantCount} assistants, {report.ManagedCount} managed, {report.UnmanagedCount} unmanaged, {report.OtherOrganizationsCount} of other organizations.");
        md.AppendLine();
        md.AppendLine("| Finding | Count |");
        md.AppendLine("|---|---:|");
        foreach (var kind in Enum.GetValues<FleetFindingKind>())
        {
            Line(md, $"| {kind} | {(kind == FleetFindingKind.Orphan && !report.OrphansChecked ? "not checked" : report.Count(kind).ToString(CultureInfo.InvariantCulture))} |");
        }

        foreach (var group in report.Findings.GroupBy(f => f.Kind))
        {
            md.AppendLine();
            Line(md, $"## {group.Key}");
            md.AppendLine();
            md.AppendLine("| Assistant | Name | Agent | Finding |");
            md.AppendLine("|---|---|---|---|");
            foreach (var finding in group)
            {
                Line(md, $"| `{finding.AssistantId}` | {Cell(finding.AssistantName)} | {Cell(finding.AgentKey)} | {Cell(finding.Description)} |");
            }
        }

        return md.ToString();
    }

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));

    private static string Cell(string? text) => string.IsNullOrEmpty(text) ? "—" : text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
