using System.Diagnostics;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

public sealed class SoakTests
{
    [Fact]
    public async Task Soak_1000SyncsOf100AgentsWith10PercentFaults_NoDuplicatesAndAllConverge()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o =>
        {
            o.Retry.Delay = TimeSpan.FromMilliseconds(5);
            o.CircuitBreaker.MinimumThroughput = 100_000;
        }));
        var ct = IntegrationHost.Deadline(120);
        host.Server.Faults.EnableRandomFaults(0.10, seed: 20261128);
        var random = new Random(42);
        var plan = Enumerable.Range(0, 1000).Select(_ => (Agent: random.Next(100), Version: random.Next(3))).ToList();
        var lastDesired = new Dictionary<int, int>();
        foreach (var (agent, version) in plan)
        {
            lastDesired[agent] = version;
        }

        var failures = 0;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (step, token) =>
        {
            try
            {
                await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: $"agent-{step.Agent}", name: $"v{step.Version}"), token);
            }
            catch (VapiApiException)
            {
                Interlocked.Increment(ref failures);
            }
        });

        host.Server.Faults.DisableRandomFaults();
        foreach (var (agent, version) in lastDesired)
        {
            await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: $"agent-{agent}", name: $"v{version}") with { Force = true }, ct);
        }

        watch.Stop();
        var assistants = host.Server.GetAssistants(IntegrationHost.PlatformAccount);
        var faulted = host.Server.Requests.Count(r => r.Fault is not null);
        Assert.True(faulted > 50, $"only {faulted} faults were injected");
        Assert.Equal(lastDesired.Count, assistants.Count);
        foreach (var (agent, version) in lastDesired)
        {
            var only = Assert.Single(host.AssistantsOf($"agent-{agent}"));
            Assert.Equal($"v{version}", only["name"]!.GetValue<string>());
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"soak took {watch.Elapsed}");
    }
}
