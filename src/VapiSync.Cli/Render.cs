using Spectre.Console;
using VapiSync.Client;
using VapiSync.Client.Fleet;

namespace VapiSync.Cli;

/// <summary>Tables and progress for the library's reports: presentation only.</summary>
internal static class Render
{
    private const int MaxRows = 50;

    public static void Summary(IAnsiConsole console, FleetAuditReport report, string title)
    {
        console.Write(new Rule(Markup.Escape(title)).LeftJustified());
        var table = new Table().AddColumn("Finding").AddColumn(new TableColumn("Count").RightAligned());
        foreach (var kind in Enum.GetValues<FleetFindingKind>())
        {
            var count = kind == FleetFindingKind.Orphan && !report.OrphansChecked ? "not checked (--agents DIR)" : report.Count(kind).ToString(System.Globalization.CultureInfo.InvariantCulture);
            table.AddRow(kind.ToString(), count);
        }

        console.Write(table);
        console.MarkupLine(Markup.Escape($"{report.AssistantCount} assistants: {report.ManagedCount} managed, {report.UnmanagedCount} unmanaged, {report.OtherOrganizationsCount} of other organizations (key fingerprint {report.AccountFingerprint})."));
        console.MarkupLine(report.IsClean ? "[green]Clean: nothing to repair.[/]" : Markup.Escape($"{report.Findings.Count} findings."));
    }

    public static void Findings(IAnsiConsole console, FleetAuditReport report)
    {
        if (report.IsClean)
        {
            return;
        }

        var table = new Table().AddColumn("Kind").AddColumn("Assistant").AddColumn("Name").AddColumn("Agent").AddColumn("Finding");
        foreach (var finding in report.Findings.Take(MaxRows))
        {
            table.AddRow(Cells(finding.Kind.ToString(), finding.AssistantId, finding.AssistantName ?? "—", finding.AgentKey ?? "(unmanaged)", finding.Description));
        }

        console.Write(table);
        More(console, report.Findings.Count);
    }

    public static void Actions(IAnsiConsole console, FleetRepairResult result)
    {
        if (result.Actions.Count == 0)
        {
            console.MarkupLine("Nothing to repair for the chosen kinds.");
            return;
        }

        var table = new Table().AddColumn("Write").AddColumn("Assistant").AddColumn("Agent").AddColumn("Status").AddColumn("Why");
        foreach (var action in result.Actions.Take(MaxRows))
        {
            table.AddRow(Cells(action.Operation.ToString(), action.AssistantId, action.AgentKey ?? "—", action.Status.ToString(), action.Error ?? action.Description));
        }

        console.Write(table);
        More(console, result.Actions.Count);
    }

    public static void SyncResults(IAnsiConsole console, IReadOnlyList<AssistantSyncItemResult> results)
    {
        var table = new Table().AddColumn("Agent").AddColumn("Outcome").AddColumn("Assistant").AddColumn("Voice");
        foreach (var item in results)
        {
            table.AddRow(item.Error is null
                ? Cells(item.Request.AgentKey, item.Result!.Outcome.ToString(), item.Result.AssistantId, item.Result.Voice.Changed ? item.Result.Voice.ToString() : "—")
                : Cells(item.Request.AgentKey, "Failed", "—", item.Error.Message));
        }

        console.Write(table);
    }

    /// <summary>A progress bar while the library works, when the console can redraw; otherwise the work runs silently.</summary>
    public static async Task<T> WithProgressAsync<T>(IAnsiConsole console, string description, Func<IProgress<FleetProgress>?, Task<T>> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await work(null).ConfigureAwait(false);
        }

        return await console.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask(description).IsIndeterminate();
            return await work(new Progress<FleetProgress>(p =>
            {
                task.Description = $"{description}: {p.Phase}";
                task.IsIndeterminate = p.Total is null;
                task.MaxValue = Math.Max(1, p.Total ?? 1);
                task.Value = p.Completed;
            })).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static string[] Cells(params string[] values) => [.. values.Select(Markup.Escape)];

    private static void More(IAnsiConsole console, int count)
    {
        if (count > MaxRows)
        {
            console.MarkupLine(Markup.Escape($"… and {count - MaxRows} more (write them all with --json FILE)."));
        }
    }
}
