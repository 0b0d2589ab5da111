using Spectre.Console;

namespace VapiSync.Cli;

/// <summary>The <c>vapisync</c> tool's entry point.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // stop after the writes in flight; the next run resumes
            interrupt.Cancel();
        };
        return await CliApp.RunAsync(args, AnsiConsole.Console, interrupt.Token).ConfigureAwait(false);
    }
}
