namespace VapiSync.Cli.Tests;

/// <summary>Attacks on the agent folder: what a wrong folder or a bad definition does.</summary>
public sealed class CliReviewTests
{
    [Fact]
    public async Task Repair_EmptyAgentFolderWithOrphans_ExitsTwoAndDeletesNothing()
    {
        // A folder with no agent files (a typo, or YAML files) must not mean "no agent is live: delete them all".
        await CliRunner.InTempFolderAsync(async dir =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "front-desk.yml"), "name: Front desk");

            var (exitCode, output) = await CliRunner.RunAsync("repair", "--demo", "--agents", dir, "--orphans", "--apply");

            Assert.Equal(ExitCodes.Usage, exitCode);
            Assert.Contains("no agent", output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Deleted", output, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Plan_InvalidDefinition_ExitsTwoNamingTheAgentFile()
    {
        await CliRunner.InTempFolderAsync(async dir =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "good.json"), """{"name":"Good"}""");
            await File.WriteAllTextAsync(Path.Combine(dir, "long-name.json"), $$"""{"name":"{{new string('x', 41)}}"}""");

            var (exitCode, output) = await CliRunner.RunAsync("plan", dir, "--demo");

            Assert.Equal(ExitCodes.Usage, exitCode);
            Assert.Contains("long-name", output, StringComparison.Ordinal);
        });
    }
}
