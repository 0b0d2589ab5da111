namespace VapiSync.Verify;

/// <summary>Runs every check against the embedded fake Vapi (default) or a real server (--base-url, key in VAPI_PRIVATE_KEY).</summary>
internal static class VerifyProgram
{
    public static async Task<int> Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var options = VerifyOptions.Parse(args, Environment.GetEnvironmentVariable("VAPI_PRIVATE_KEY"));
        if (options.Error is not null)
        {
            await Console.Error.WriteLineAsync(options.Error);
            await Console.Error.WriteLineAsync("usage: dotnet run --project samples/VapiSync.Verify [-- --base-url https://api.vapi.ai]   (key in VAPI_PRIVATE_KEY)");
            return 2;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        var report = await VerificationRunner.RunAsync(options, Console.Out, cts.Token);
        return report.Failed == 0 ? 0 : 1;
    }
}
