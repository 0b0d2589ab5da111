using System.CommandLine;
using Microsoft.Extensions.Options;
using Spectre.Console;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;

namespace VapiSync.Cli;

/// <summary>
/// The <c>vapisync</c> command tree. A thin shell: every command parses, builds a <see cref="CliSession"/>, calls the
/// library and renders what it returns. Exit codes are in <see cref="ExitCodes"/>.
/// </summary>
internal static class CliApp
{
    private static readonly Option<Uri?> BaseUrl = new("--base-url")
    {
        Description = "Vapi's API (default https://api.vapi.ai).",
        Recursive = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                return uri;
            }

            result.AddError($"--base-url '{text}' is not an absolute http(s) URL.");
            return null;
        },
    };

    private static readonly Option<string> KeyEnv = new("--key-env")
    {
        Description = "The environment variable that holds the Vapi private key (default VAPI_PRIVATE_KEY). The key itself is never an argument.",
        DefaultValueFactory = _ => "VAPI_PRIVATE_KEY",
        Recursive = true,
    };

    private static readonly Option<string?> Org = new("--org") { Description = "The organization id your sync keys use (default 'default'; 'demo-org' with --demo).", Recursive = true };

    private static readonly Option<bool> Demo = new("--demo") { Description = "Use an embedded fake Vapi seeded with a messy account: no Vapi account needed.", Recursive = true };

    private static readonly Option<bool> Verbose = new("--verbose") { Description = "Write the library's logs to standard error.", Recursive = true };

    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(error.Message)}");
            }

            console.MarkupLine("Run 'vapisync --help' for usage.");
            return ExitCodes.Usage;
        }

        var output = new StringWriter();
        var result = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = output }, cancellationToken).ConfigureAwait(false);
        if (output.GetStringBuilder().Length > 0)
        {
            console.Write(new Text(output.ToString())); // help and version text
        }

        return result;
    }

    private static RootCommand Build(IAnsiConsole console)
    {
        var root = new RootCommand("vapisync: audit and repair a Vapi account, and plan/apply a folder of agent definitions.");
        root.Options.Add(BaseUrl);
        root.Options.Add(KeyEnv);
        root.Options.Add(Org);
        root.Options.Add(Demo);
        root.Options.Add(Verbose);
        root.Subcommands.Add(FleetCommands.Audit(console, Run));
        root.Subcommands.Add(FleetCommands.Repair(console, Run));
        root.Subcommands.Add(GitOpsCommands.Plan(console, Run));
        root.Subcommands.Add(GitOpsCommands.Apply(console, Run));
        return root;
    }

    /// <summary>Runs one command's body against a fresh session, turning the library's failures into exit codes.</summary>
    private static async Task<int> Run(ParseResult parse, IAnsiConsole console, string? agentsPath, CancellationToken cancellationToken, Func<CliSession, string, Task<int>> body)
    {
        var demo = parse.GetValue(Demo);
        var settings = new CliSettings(
            parse.GetValue(BaseUrl),
            parse.GetValue(KeyEnv) ?? "VAPI_PRIVATE_KEY",
            parse.GetValue(Org) ?? (demo ? "demo-org" : "default"),
            demo,
            agentsPath,
            parse.GetValue(Verbose));
        try
        {
            if (demo)
            {
                console.MarkupLine("[yellow]Demo:[/] an embedded fake Vapi with a messy account (legacy voices, duplicates, orphans, drift). Nothing leaves this machine.");
            }

            await using var session = await CliSession.StartAsync(settings, cancellationToken).ConfigureAwait(false);
            return await body(session, settings.OrganizationId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is UsageException or ArgumentException or VapiValidationException or OptionsValidationException)
        {
            return Fail(console, ExitCodes.Usage, ex.Message);
        }
        catch (VapiCredentialNotFoundException)
        {
            return Fail(console, ExitCodes.Usage, $"No Vapi key: set the environment variable {settings.KeyEnvironmentVariable} (or name another with --key-env), or try --demo.");
        }
        catch (VapiApiException ex)
        {
            return Fail(console, ExitCodes.Remote, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(console, ExitCodes.Cancelled, "Interrupted. Run the same command again to resume.");
        }
    }

    private static int Fail(IAnsiConsole console, int exitCode, string message)
    {
        console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return exitCode;
    }
}

/// <summary>Runs a command body with the shared options resolved (see <see cref="CliApp"/>).</summary>
internal delegate Task<int> CommandRunner(ParseResult parse, IAnsiConsole console, string? agentsPath, CancellationToken cancellationToken, Func<CliSession, string, Task<int>> body);
