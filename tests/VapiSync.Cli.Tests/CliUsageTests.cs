namespace VapiSync.Cli.Tests;

public sealed class CliUsageTests
{
    [Fact]
    public async Task UnknownOption_ExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync("audit", "--key", "sk-secret-on-the-command-line");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("error:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadBaseUrl_ExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync("audit", "--base-url", "not a url");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("is not an absolute http(s) URL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repair_NoKindChosen_ExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync("repair", "--demo");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("Choose what to repair", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_NoKeyInTheEnvironment_ExitsTwoNamingTheVariable()
    {
        var (exitCode, output) = await CliRunner.RunAsync("audit", "--key-env", "VAPISYNC_CLI_TEST_UNSET_KEY", "--base-url", "http://127.0.0.1:9");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("VAPISYNC_CLI_TEST_UNSET_KEY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_UnreachableServer_ExitsThree()
    {
        const string variable = "VAPISYNC_CLI_TEST_KEY";
        Environment.SetEnvironmentVariable(variable, "sk-cli-test-never-printed");
        try
        {
            var (exitCode, output) = await CliRunner.RunAsync("audit", "--key-env", variable, "--base-url", "http://127.0.0.1:9");

            Assert.Equal(ExitCodes.Remote, exitCode);
            Assert.DoesNotContain("sk-cli-test-never-printed", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Plan_MissingFolder_ExitsTwo()
    {
        var (exitCode, output) = await CliRunner.RunAsync("plan", "/nonexistent/agents", "--demo");

        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains("does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_BadAgentFile_ExitsTwoNamingTheFile()
    {
        await CliRunner.InTempFolderAsync(async dir =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "broken.json"), "{ not json");

            var (exitCode, output) = await CliRunner.RunAsync("plan", dir, "--demo");

            Assert.Equal(ExitCodes.Usage, exitCode);
            Assert.Contains("broken.json", output, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Help_ListsTheCommandsAndExitsZero()
    {
        var (exitCode, output) = await CliRunner.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains("audit", output, StringComparison.Ordinal);
        Assert.Contains("--key-env", output, StringComparison.Ordinal);
    }
}
