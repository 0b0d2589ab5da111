using CsCheck;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// Random races of 2–3 instances that share nothing but the Vapi account (with the default options: the convergence check is on
/// instances should run) and save overlapping sets of new agents, by bulk calls of random parallelism and single saves, started together.
/// After every call returns: exactly one assistant per agent, and every instance's next save of it lands on that one.
/// CsCheck prints the failing seed; set it with the <c>CsCheck_Seed</c> environment variable to replay it.
/// </summary>
public sealed class BulkConvergenceModelTests
{
    private sealed record Call(int Instance, bool Bulk, int Parallelism, int[] Agents);

    [Fact]
    public async Task RandomRacesOfBulkAndSingleCreates_OneAssistantPerAgent_EveryResultReportsIt()
    {
        await using var first = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(5) });
        var ct = IntegrationHost.Deadline(240);
        var round = 0;
        var mismatched = 0;
        var total = 0;

        var call = Gen.Select(Gen.Int[0, 2], Gen.Bool, Gen.Int[1, 8], Gen.Int[0, 11].Array[1, 12])
            .Select((instance, bulk, parallelism, agents) => new Call(instance, bulk, parallelism, agents.Distinct().ToArray()));
        await Gen.Select(Gen.Int[2, 3], call.Array[2, 5]).SampleAsync(async (instanceCount, calls) =>
        {
            // Fresh instances (fresh indexes and stores) and fresh agent ids per race; one server and account.
            var r = Interlocked.Increment(ref round);
            var instances = Enumerable.Range(0, instanceCount).Select(_ => first.Another()).ToList();
            try
            {
                var start = new TaskCompletionSource();
                var runs = calls.Select(c => Task.Run(async () =>
                {
                    await start.Task;
                    var manager = instances[c.Instance % instanceCount].Manager;
                    var requests = c.Agents.Select(a => IntegrationHost.Request(agent: $"r{r}-a{a}")).ToList();
                    if (c.Bulk)
                    {
                        var items = await manager.EnsureAssistantsAsync(requests, new BulkSyncOptions { MaxDegreeOfParallelism = c.Parallelism }, ct);
                        return items.Select(i => (i.Request.AgentKey, i.Result?.AssistantId, i.Error)).ToList();
                    }

                    var results = new List<(string, string?, Exception?)>();
                    foreach (var request in requests)
                    {
                        results.Add((request.AgentKey, (await manager.EnsureAssistantAsync(request, ct)).AssistantId, null));
                    }

                    return results;
                })).ToList();
                start.SetResult();
                var reported = (await Task.WhenAll(runs)).SelectMany(x => x).ToList();

                Assert.All(reported, x => Assert.Null(x.Item3));
                total += reported.Count;
                foreach (var agent in reported.Select(x => x.Item1).Distinct())
                {
                    var only = Assert.Single(first.AssistantsOf(agent))["id"]!.GetValue<string>();
                    mismatched += reported.Count(x => x.Item1 == agent && x.Item2 != only);

                    // Every instance's next save of the agent lands on that assistant (one whose result named a loser of a
                    // same-millisecond tie gets 404 and adopts it) and creates nothing.
                    foreach (var instance in instances)
                    {
                        Assert.Equal(only, (await instance.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: agent), ct)).AssistantId);
                    }

                    Assert.Single(first.AssistantsOf(agent));
                }
            }
            finally
            {
                foreach (var instance in instances)
                {
                    await instance.DisposeAsync();
                }
            }
        }, iter: 40, threads: 1);

        // The residual the README states: when two creates share a millisecond and the one with the larger id checks before
        // the other commits, its result names an assistant the other then deletes (its next save adopts the winner, as
        // checked above). These races start every call at once, so such ties are common here; anything beyond them
        // (say, a bulk item that lost reporting its own id) would make most racing results wrong.
        Assert.True(mismatched * 10 <= total, $"{mismatched} of {total} results named a deleted assistant");
    }
}
