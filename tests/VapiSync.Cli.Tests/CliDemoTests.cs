using VapiSync.Client.Fleet;

namespace VapiSync.Cli.Tests;

public sealed class CliDemoTests
{
    [Fact]
    public async Task Audit_Demo_ReportsEveryKindAndExitsOne()
    {
        var (exitCode, output) = await CliRunner.RunAsync("audit", "--demo");

        Assert.Equal(ExitCodes.Pending, exitCode);
        Assert.Matches(@"LegacyVoice\s+│\s+4", output);
        Assert.Matches(@"Duplicate\s+│\s+2", output);
        Assert.Matches(@"Orphan\s+│\s+2", output);
        Assert.Matches(@"Drift\s+│\s+1", output);
        Assert.Contains("13 assistants: 9 managed, 4 unmanaged", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_DemoWithJsonAndMarkdown_WritesTheReports()
    {
        await CliRunner.InTempFolderAsync(async dir =>
        {
            var json = Path.Combine(dir, "audit.json");
            var markdown = Path.Combine(dir, "audit.md");

            var (exitCode, _) = await CliRunner.RunAsync("audit", "--demo", "--json", json, "--markdown", markdown);

            Assert.Equal(ExitCodes.Pending, exitCode);
            var report = FleetAuditReport.FromJson(await File.ReadAllTextAsync(json));
            Assert.Equal(9, report.Findings.Count);
            Assert.Equal("demo-org", report.OrganizationId);
            Assert.Contains("| Orphan | 2 |", await File.ReadAllTextAsync(markdown), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Repair_DemoDryRun_PlansWritesAndExitsOne()
    {
        var (exitCode, output) = await CliRunner.RunAsync("repair", "--demo", "--voices", "--duplicates");

        Assert.Equal(ExitCodes.Pending, exitCode);
        Assert.Contains("Dry run: 6 writes planned, none sent.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Applied:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repair_DemoApplyEverything_EndsWithACleanAudit()
    {
        var (exitCode, output) = await CliRunner.RunAsync("repair", "--demo", "--voices", "--duplicates", "--orphans", "--drift", "--apply");

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains("Applied: 8 writes, 0 failed; 0 findings of the chosen kinds remain.", output, StringComparison.Ordinal);
        Assert.Contains("Clean: nothing to repair.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repair_DemoVoicesOnly_LeavesOtherKindsButExitsZero()
    {
        var (exitCode, output) = await CliRunner.RunAsync("repair", "--demo", "--voices", "--apply");

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains("Applied: 4 writes, 0 failed; 0 findings of the chosen kinds remain.", output, StringComparison.Ordinal);
        Assert.Matches(@"Duplicate\s+│\s+2", output[output.LastIndexOf("After", StringComparison.Ordinal)..]);
    }

    [Fact]
    public async Task Plan_Demo_ShowsUpdatesAndExitsOne()
    {
        var (exitCode, output) = await CliRunner.RunAsync("plan", "--demo");

        Assert.Equal(ExitCodes.Pending, exitCode);
        Assert.Matches(@"scheduler\s+│\s+update\s+│.*firstMessage, model\.temperature", output);
        Assert.Matches(@"billing\s+│\s+update\s+│.*voice", output);
        Assert.Contains("Plan: 0 to create, 2 to update, 3 unchanged.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_Demo_SyncsTheChangedAgents()
    {
        var (exitCode, output) = await CliRunner.RunAsync("apply", "--demo");

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Matches(@"scheduler\s+│\s+Updated", output);
        Assert.Matches(@"billing\s+│\s+Updated\s+│.*playht/jennifer → azure/en-US-JennyNeural", output);
    }

    [Fact]
    public async Task PlanAndApply_Folder_CreatesNewAgentsThenPlansNothing()
    {
        await CliRunner.InTempFolderAsync(async dir =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "concierge.json"),
                """{"name":"Concierge","firstMessage":"Welcome!","voice":{"provider":"azure","voiceId":"en-US-AriaNeural"}}""");

            var (planExit, planOutput) = await CliRunner.RunAsync("plan", dir, "--demo");
            var (applyExit, applyOutput) = await CliRunner.RunAsync("apply", dir, "--demo");

            Assert.Equal(ExitCodes.Pending, planExit);
            Assert.Matches(@"concierge\s+│\s+create", planOutput);
            Assert.Equal(ExitCodes.Ok, applyExit);
            Assert.Matches(@"concierge\s+│\s+Created", applyOutput);
        });
    }
}
