using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VapiSync.Client;
using VapiSync.Client.Fleet;
using VapiSync.Client.Testing;

namespace VapiSync.Cli;

/// <summary>The library wired up for one command: options from the command line, and the embedded fake in demo mode.</summary>
internal sealed class CliSession : IAsyncDisposable
{
    private const string DemoAccount = "demo-account";

    private readonly ServiceProvider _services;
    private readonly FakeVapiServer? _demo;

    private CliSession(ServiceProvider services, FakeVapiServer? demo, IReadOnlyList<FleetAgent>? agents)
    {
        _services = services;
        _demo = demo;
        Agents = agents;
    }

    public IVapiFleet Fleet => _services.GetRequiredService<IVapiFleet>();

    public IVapiAssistantManager Manager => _services.GetRequiredService<IVapiAssistantManager>();

    /// <summary>Gets the agents from <c>--agents</c> (or the demo's), or <see langword="null"/> when none were given.</summary>
    public IReadOnlyList<FleetAgent>? Agents { get; }

    public static async Task<CliSession> StartAsync(CliSettings settings, CancellationToken cancellationToken)
    {
        var agents = settings.AgentsPath is null ? null : AgentFolder.Load(settings.AgentsPath);
        FakeVapiServer? demo = null;
        string? demoKey = null;
        if (settings.Demo)
        {
            demo = await FakeVapiServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            demoKey = "sk-demo-" + Guid.NewGuid().ToString("N");
            demo.AddApiKey(demoKey, DemoAccount);
            var seed = MessyAccount.Seed(demo, DemoAccount, settings.OrganizationId);
            agents ??= seed.Agents;
        }

        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(settings.Verbose ? LogLevel.Information : LogLevel.None);
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        services.AddVapiSync(options =>
        {
            options.BaseUrl = demo?.BaseAddress ?? settings.BaseUrl ?? options.BaseUrl;
            options.ApiKeyEnvironmentVariable = settings.KeyEnvironmentVariable;
            options.PlatformApiKey = demoKey; // demo only: the key of the embedded fake, never printed
        });
        return new CliSession(services.BuildServiceProvider(validateScopes: true), demo, agents);
    }

    /// <summary>The audit a command runs: the agents given are the live ones, so the others' assistants are orphans.</summary>
    public FleetAuditRequest AuditRequest(string organizationId) => Agents is null
        ? new FleetAuditRequest(organizationId) { OrphanSource = FleetOrphanSource.None }
        : new FleetAuditRequest(organizationId) { Agents = Agents, LiveAgentKeys = [.. Agents.Select(a => a.AgentKey)] };

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        if (_demo is not null)
        {
            await _demo.DisposeAsync().ConfigureAwait(false);
        }
    }
}
