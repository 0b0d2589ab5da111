using System.Globalization;
using System.Runtime.InteropServices;
using VapiSync.Client.Testing;

namespace VapiSync.FakeVapi;

/// <summary>Runs the fake Vapi on its own so any client (curl, another SDK, your app) can be pointed at it.</summary>
internal static class FakeVapiProgram
{
    public static async Task<int> Main(string[] args)
    {
        var options = new FakeVapiServerOptions { DefaultApiKey = "sk-fake-vapi-key" };
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port):
                    options.Port = port;
                    i++;
                    break;
                case "--key" when i + 1 < args.Length:
                    options.DefaultApiKey = args[++i];
                    break;
                case "--rate-limit" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var limit):
                    options.RateLimitPerWindow = limit;
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync("usage: dotnet run --project samples/VapiSync.FakeVapi [-- --port 5099] [--key sk-...] [--rate-limit N-per-second]");
                    return 2;
            }
        }

        await using var server = await FakeVapiServer.StartAsync(options);
        var stopped = new TaskCompletionSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopped.TrySetResult();
        }

        Console.WriteLine($"Fake Vapi listening on {server.BaseAddress}");
        Console.WriteLine($"API key: {options.DefaultApiKey}");
        Console.WriteLine($"Try: curl -H 'Authorization: Bearer {options.DefaultApiKey}' {server.BaseAddress}assistant");
        Console.WriteLine("Press Ctrl+C to stop.");

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await stopped.Task;
        return 0;
    }
}
