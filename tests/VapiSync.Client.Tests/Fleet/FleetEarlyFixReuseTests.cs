using VapiSync.Client.Fleet;
using VapiSync.Client.Fleet.Internal;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Fleet;

/// <summary>
/// The complete plan holds the very fixes queued early (no equal copy built per write), and the write pool sends every
/// fix exactly once and reports every outcome in plan order, whether the plan holds the early fix itself or a copy.
/// </summary>
public sealed class FleetEarlyFixReuseTests
{
    private static readonly Dictionary<string, DesiredAssistant> NoDefinitions = [];

    [Fact]
    public void Plan_WithTheEarlyFixOfTheSameFinding_HoldsThatVeryFix()
    {
        var legacy = Legacy("a");
        var early = FleetRepairPlanner.PlanEarly(legacy, managedHere: false, FleetRepairKinds.LegacyVoices, null)!;

        var plan = FleetRepairPlanner.Plan([legacy, Legacy("b")], FleetRepairKinds.LegacyVoices, null, NoDefinitions, new Dictionary<string, PlannedFix> { ["a"] = early });

        Assert.Equal(["a", "b"], plan.Select(f => f.AssistantId));
        Assert.Same(early, plan[0]);
        Assert.Equal(FleetRepairOperation.PatchVoice, plan[1].Operation);
        Assert.Equal([FleetFindingKind.LegacyVoice], plan[1].Fixes);
        Assert.Equal("patch voice playht/jennifer → azure/en-US-JennyNeural", plan[1].Description);
    }

    [Fact]
    public void Plan_WithAnEarlyFixOfAnotherFinding_BuildsItsOwn()
    {
        var early = FleetRepairPlanner.PlanEarly(Legacy("a"), managedHere: false, FleetRepairKinds.LegacyVoices, null)!;
        var judgedAgain = Legacy("a");

        var plan = FleetRepairPlanner.Plan([judgedAgain], FleetRepairKinds.LegacyVoices, null, NoDefinitions, new Dictionary<string, PlannedFix> { ["a"] = early });

        Assert.NotSame(early, Assert.Single(plan));
        Assert.Same(judgedAgain, plan[0].Source);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Pool_EarlyFixThenPlan_SendsEachWriteOnceAndReportsInPlanOrder(bool planHoldsTheEarlyFix)
    {
        var sent = new List<string>();
        var pool = new FleetWritePool(
            (fix, _) =>
            {
                lock (sent)
                {
                    sent.Add(fix.AssistantId);
                }

                return Task.FromResult(new FleetRepairAction
                {
                    AssistantId = fix.AssistantId,
                    Operation = fix.Operation,
                    Fixes = fix.Fixes,
                    Status = FleetRepairStatus.Done,
                    Description = fix.Description,
                });
            },
            null);
        var writers = pool.RunAsync(4, CancellationToken.None);
        var early = FleetRepairPlanner.PlanEarly(Legacy("b"), managedHere: false, FleetRepairKinds.LegacyVoices, null)!;
        pool.QueueEarly(early);

        var others = FleetRepairPlanner.Plan([Legacy("a"), Legacy("c")], FleetRepairKinds.LegacyVoices, null, NoDefinitions);
        List<PlannedFix> plan = [others[0], planHoldsTheEarlyFix ? early : early with { }, others[1]];
        pool.Complete(plan);
        await writers.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["a", "b", "c"], sent.Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b", "c"], pool.Actions(plan).Select(a => a.AssistantId));
        Assert.All(pool.Actions(plan), a => Assert.Equal(FleetRepairStatus.Done, a.Status));
    }

    private static FleetFinding Legacy(string assistantId) => new()
    {
        Kind = FleetFindingKind.LegacyVoice,
        AssistantId = assistantId,
        Voice = new VoiceConfig { Provider = "playht", VoiceId = "jennifer" },
        ReplacementVoice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-JennyNeural" },
        Description = "voice playht/jennifer → azure/en-US-JennyNeural",
    };
}
