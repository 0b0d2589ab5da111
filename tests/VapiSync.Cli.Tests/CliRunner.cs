using Spectre.Console;

namespace VapiSync.Cli.Tests;

/// <summary>Runs the command tree in process with a wide, non-interactive console whose output the test reads.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 240;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await CliApp.RunAsync(args, console, deadline.Token);
        return (exitCode, writer.ToString());
    }

    /// <summary>Runs a test body with a fresh temporary folder, deleted afterwards.</summary>
    public static async Task InTempFolderAsync(Func<string, Task> body)
    {
        var folder = Directory.CreateTempSubdirectory("vapisync-cli-");
        try
        {
            await body(folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
