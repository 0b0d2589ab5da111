using System.CommandLine;
using Spectre.Console;
using VapiSync.Client;
using VapiSync.Client.Fleet;

namespace VapiSync.Cli;

/// <summary>
/// <c>plan</c> and <c>apply</c> for a folder of agent JSON files, like Vapi's gitops: plan shows what a sync would
/// change (from one audit), apply syncs the changed agents through <see cref="IVapiAssistantManager"/>.
/// </summary>
internal static class GitOpsCommands
{
    public static Command Plan(IAnsiConsole console, CommandRunner run)
    {
        var folder = FolderArgument();
        var command = new Command("plan", "Show what apply would change for a folder of agent JSON files. Exit 0 when nothing would change, 1 otherwise.") { folder };
        command.SetAction((parse, ct) => run(parse, console, parse.GetValue(folder), ct, async (session, org) =>
        {
            var changes = await PlanAsync(session, org, console, ct).ConfigureAwait(false);
            return changes.Count == 0 ? ExitCodes.Ok : ExitCodes.Pending;
        }));
        return command;
    }

    public static Command Apply(IAnsiConsole console, CommandRunner run)
    {
        var folder = FolderArgument();
        var parallelism = new Option<int>("--parallelism") { Description = "Syncs at once (1-256).", DefaultValueFactory = _ => 8 };
        var command = new Command("apply", "Sync the agents of a folder that plan shows as changed. Exit 0 when all synced, 3 when Vapi failed for some.") { folder, parallelism };
        command.SetAction((parse, ct) => run(parse, console, parse.GetValue(folder), ct, async (session, org) =>
        {
            var changes = await PlanAsync(session, org, console, ct).ConfigureAwait(false);
            if (changes.Count == 0)
            {
                return ExitCodes.Ok;
            }

            // Force: this process has no state of its own; the audit already established that these agents differ.
            var requests = changes.Select(c => new AssistantSyncRequest(org, c.Agent.AgentKey, c.Agent.Definition) { KnownAssistantId = c.AssistantId, Force = true });
            var results = await session.Manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = parse.GetValue(parallelism) }, ct).ConfigureAwait(false);
            Render.SyncResults(console, results);
            return results.Any(r => r.Error is not null) ? ExitCodes.Remote : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>One audit with the folder's agents as the live ones; each agent is created, updated or unchanged.</summary>
    private static async Task<List<Change>> PlanAsync(CliSession session, string org, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (session.Agents is null)
        {
            throw new UsageException("Give the folder of agent JSON files (or --demo).");
        }

        var report = await Render.WithProgressAsync(console, "Planning", p => session.Fleet.AuditAsync(session.AuditRequest(org), p, cancellationToken)).ConfigureAwait(false);
        var table = new Table().AddColumn("Agent").AddColumn("Action").AddColumn("Assistant").AddColumn("Changes");
        var changes = new List<Change>();
        foreach (var agent in session.Agents)
        {
            var findings = report.Findings.Where(f => f.AgentKey == agent.AgentKey && f.Kind is FleetFindingKind.Drift or FleetFindingKind.LegacyVoice).ToList();
            if (report.MissingAgentKeys.Contains(agent.AgentKey))
            {
                changes.Add(new Change(agent, null));
                table.AddRow(Markup.Escape(agent.AgentKey), "[green]create[/]", "—", "new assistant");
            }
            else if (findings.Count > 0)
            {
                changes.Add(new Change(agent, findings[0].AssistantId));
                var fields = findings.SelectMany(f => f.Kind == FleetFindingKind.Drift ? f.Differences.Select(d => d.Path) : ["voice"]).Distinct();
                table.AddRow(Markup.Escape(agent.AgentKey), "[yellow]update[/]", Markup.Escape(findings[0].AssistantId), Markup.Escape(string.Join(", ", fields)));
            }
            else
            {
                table.AddRow(Markup.Escape(agent.AgentKey), "unchanged", "—", "—");
            }
        }

        console.Write(table);
        var orphans = report.Count(FleetFindingKind.Orphan);
        console.MarkupLine(Markup.Escape($"Plan: {changes.Count(c => c.AssistantId is null)} to create, {changes.Count(c => c.AssistantId is not null)} to update, {session.Agents.Count - changes.Count} unchanged."
            + (orphans > 0 ? $" {orphans} assistants belong to agents not in the folder: 'vapisync repair --orphans' deletes them." : string.Empty)));
        return changes;
    }

    private static Argument<string?> FolderArgument() => new("folder")
    {
        Description = "A folder of agent JSON files (agent key = file name). Optional with --demo.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private sealed record Change(FleetAgent Agent, string? AssistantId);
}
