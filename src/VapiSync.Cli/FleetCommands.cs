using System.CommandLine;
using Spectre.Console;
using VapiSync.Client.Fleet;

namespace VapiSync.Cli;

/// <summary><c>audit</c> and <c>repair</c>: <see cref="IVapiFleet"/> on the command line.</summary>
internal static class FleetCommands
{
    public static Command Audit(IAnsiConsole console, CommandRunner run)
    {
        var agents = AgentsOption();
        var json = new Option<FileInfo?>("--json") { Description = "Also write the full report as JSON to FILE." };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the report as Markdown to FILE." };
        var command = new Command("audit", "List the account once and report legacy voices, duplicates, orphans and drift. Exit 0 when clean, 1 when findings remain.")
        {
            agents, json, markdown,
        };
        command.SetAction((parse, ct) => run(parse, console, parse.GetValue(agents), ct, async (session, org) =>
        {
            var report = await Render.WithProgressAsync(console, "Auditing", p => session.Fleet.AuditAsync(session.AuditRequest(org), p, ct)).ConfigureAwait(false);
            Render.Summary(console, report, $"Audit of organization {org}");
            Render.Findings(console, report);
            await WriteAsync(parse.GetValue(json), report.ToJson(), console, ct).ConfigureAwait(false);
            await WriteAsync(parse.GetValue(markdown), report.ToMarkdown(), console, ct).ConfigureAwait(false);
            return report.IsClean ? ExitCodes.Ok : ExitCodes.Pending;
        }));
        return command;
    }

    public static Command Repair(IAnsiConsole console, CommandRunner run)
    {
        var agents = AgentsOption();
        var voices = new Option<bool>("--voices") { Description = "PATCH legacy voices in place (unmanaged assistants gain no sync key)." };
        var duplicates = new Option<bool>("--duplicates") { Description = "Delete the losers of duplicate groups." };
        var orphans = new Option<bool>("--orphans") { Description = "Delete assistants of agents not in --agents DIR (opt-in)." };
        var drift = new Option<bool>("--drift") { Description = "Re-apply the definitions in --agents DIR to drifted assistants." };
        var apply = new Option<bool>("--apply") { Description = "Write. Without it the repair is a dry run that only shows the writes." };
        var parallelism = new Option<int>("--parallelism") { Description = "Writes at once (1-64).", DefaultValueFactory = _ => 8 };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the result as JSON to FILE." };
        var command = new Command("repair", "Fix the chosen kinds of findings; a dry run unless --apply. Exit 0 when nothing of those kinds remains, 1 otherwise.")
        {
            agents, voices, duplicates, orphans, drift, apply, parallelism, json,
        };
        command.SetAction((parse, ct) => run(parse, console, parse.GetValue(agents), ct, async (session, org) =>
        {
            var kinds = (parse.GetValue(voices) ? FleetRepairKinds.LegacyVoices : 0) | (parse.GetValue(duplicates) ? FleetRepairKinds.Duplicates : 0)
                | (parse.GetValue(orphans) ? FleetRepairKinds.Orphans : 0) | (parse.GetValue(drift) ? FleetRepairKinds.Drift : 0);
            if (kinds == FleetRepairKinds.None)
            {
                throw new UsageException("Choose what to repair: --voices, --duplicates, --orphans, --drift.");
            }

            var request = new FleetRepairRequest(session.AuditRequest(org), kinds) { Apply = parse.GetValue(apply), MaxDegreeOfParallelism = parse.GetValue(parallelism) };
            var result = await Render.WithProgressAsync(console, "Repairing", p => session.Fleet.RepairAsync(request, p, ct)).ConfigureAwait(false);
            Render.Summary(console, result.Audit, "Before");
            Render.Actions(console, result);
            await WriteAsync(parse.GetValue(json), result.ToJson(), console, ct).ConfigureAwait(false);
            if (!result.Applied)
            {
                console.MarkupLine(Markup.Escape($"Dry run: {result.Actions.Count} writes planned, none sent. Add --apply to write."));
                return result.Actions.Count == 0 ? ExitCodes.Ok : ExitCodes.Pending;
            }

            var after = await Render.WithProgressAsync(console, "Auditing again", p => session.Fleet.AuditAsync(request.Audit, p, ct)).ConfigureAwait(false);
            Render.Summary(console, after, "After");
            var remaining = after.Findings.Count(f => Chosen(kinds, f.Kind));
            console.MarkupLine(Markup.Escape($"Applied: {result.WriteCount} writes, {result.RemainingCount} failed; {remaining} findings of the chosen kinds remain."));
            return remaining == 0 ? ExitCodes.Ok : ExitCodes.Pending;
        }));
        return command;
    }

    internal static Option<string?> AgentsOption() => new("--agents")
    {
        Description = "A folder of agent JSON files (agent key = file name): enables drift and orphan checks. Demo mode has its own.",
    };

    private static bool Chosen(FleetRepairKinds kinds, FleetFindingKind kind) => kind switch
    {
        FleetFindingKind.LegacyVoice => kinds.HasFlag(FleetRepairKinds.LegacyVoices),
        FleetFindingKind.Duplicate => kinds.HasFlag(FleetRepairKinds.Duplicates),
        FleetFindingKind.Orphan => kinds.HasFlag(FleetRepairKinds.Orphans),
        _ => kinds.HasFlag(FleetRepairKinds.Drift),
    };

    private static async Task WriteAsync(FileInfo? file, string text, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return;
        }

        await File.WriteAllTextAsync(file.FullName, text, cancellationToken).ConfigureAwait(false);
        console.MarkupLine(Markup.Escape($"Wrote {file.FullName}."));
    }
}
