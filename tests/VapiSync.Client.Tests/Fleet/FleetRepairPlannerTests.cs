using System.Text.Json.Nodes;
using VapiSync.Client.Fleet;
using VapiSync.Client.Fleet.Internal;
using VapiSync.Client.Sync.Internal;
using VapiSync.Client.Voices;

namespace VapiSync.Client.Tests.Fleet;

public sealed class FleetRepairPlannerTests
{

    public static TheoryData<FleetFindingKind[], FleetRepairKinds, bool, string> Table => new()
    {
        // findings of one assistant, kinds chosen, definition has a voice → the writes planned
        { [FleetFindingKind.LegacyVoice], FleetRepairKinds.LegacyVoices, true, "PatchVoice" },
        { [FleetFindingKind.LegacyVoice], FleetRepairKinds.Duplicates, true, "" },
        { [FleetFindingKind.Duplicate, FleetFindingKind.LegacyVoice], FleetRepairKinds.All, true, "Delete" },
        { [FleetFindingKind.Duplicate, FleetFindingKind.LegacyVoice], FleetRepairKinds.LegacyVoices, true, "PatchVoice" },
        { [FleetFindingKind.Orphan], FleetRepairKinds.All & ~FleetRepairKinds.Orphans, true, "" },
        { [FleetFindingKind.Orphan, FleetFindingKind.LegacyVoice], FleetRepairKinds.All & ~FleetRepairKinds.Orphans, true, "PatchVoice" },
        { [FleetFindingKind.Orphan], FleetRepairKinds.Orphans, true, "Delete" },
        { [FleetFindingKind.Drift], FleetRepairKinds.Drift, true, "Reapply" },
        { [FleetFindingKind.Drift], FleetRepairKinds.LegacyVoices, true, "" },
        { [FleetFindingKind.Drift, FleetFindingKind.LegacyVoice], FleetRepairKinds.All, true, "Reapply" },
        { [FleetFindingKind.Drift, FleetFindingKind.LegacyVoice], FleetRepairKinds.All, false, "Reapply,PatchVoice" },
        { [FleetFindingKind.Drift, FleetFindingKind.LegacyVoice], FleetRepairKinds.LegacyVoices, true, "PatchVoice" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Plan_FindingsOfOneAssistant_PlansTheNeededWritesOnly(FleetFindingKind[] kinds, FleetRepairKinds chosen, bool definitionHasVoice, string expected)
    {
        var findings = kinds.Select(k => Finding(k)).ToList();
        var plan = FleetRepairPlanner.Plan(findings, chosen, null, new Dictionary<string, DesiredAssistant> { ["agent"] = Desired(definitionHasVoice) });

        Assert.Equal(expected, string.Join(",", plan.Select(p => p.Operation)));
    }

    [Fact]
    public void Plan_SelectedAssistants_SkipsTheOthers()
    {
        var findings = new[] { Finding(FleetFindingKind.LegacyVoice, "a"), Finding(FleetFindingKind.LegacyVoice, "b") };

        var plan = FleetRepairPlanner.Plan(findings, FleetRepairKinds.All, new HashSet<string> { "b" }, new Dictionary<string, DesiredAssistant>());

        Assert.Equal(["b"], plan.Select(p => p.AssistantId));
    }

    /// <summary>
    /// Every combination of one assistant's findings, chosen kinds and selection: whenever the early judgement (the
    /// legacy voice alone, before the listing ends) plans a write, the complete plan holds exactly that write for the
    /// assistant, and nothing else. Unmanaged assistants can only have a legacy-voice finding.
    /// </summary>
    [Fact]
    public void PlanEarly_WheneverItPlans_TheCompletePlanChoosesExactlyTheSameWrite()
    {
        FleetFindingKind[] others = [FleetFindingKind.Duplicate, FleetFindingKind.Orphan, FleetFindingKind.Drift];
        var desired = new Dictionary<string, DesiredAssistant> { ["agent"] = Desired(definitionHasVoice: true) };
        var early = 0;
        for (var chosen = FleetRepairKinds.None; chosen <= FleetRepairKinds.All; chosen++)
        {
            for (var mask = 0; mask < 1 << others.Length; mask++)
            {
                foreach (var (managed, selected) in new[] { (true, (HashSet<string>?)null), (false, null), (true, ["other"]), (false, ["assistant-1"]) })
                {
                    if (!managed && mask != 0)
                    {
                        continue;
                    }

                    var findings = others.Where((_, i) => (mask & (1 << i)) != 0).Append(FleetFindingKind.LegacyVoice).Select(k => Finding(k)).ToList();
                    var fix = FleetRepairPlanner.PlanEarly(findings[^1], managed, chosen, selected);
                    var plan = FleetRepairPlanner.Plan(findings, chosen, selected, desired);
                    if (fix is not null)
                    {
                        early++;
                        var planned = Assert.Single(plan);
                        Assert.Equal(planned with { Fixes = fix.Fixes }, fix);
                        Assert.Equal(planned.Fixes, fix.Fixes);
                    }
                    else if (!managed && selected is null && chosen.HasFlag(FleetRepairKinds.LegacyVoices))
                    {
                        Assert.Fail($"an unmanaged legacy voice ({chosen}) waited for the whole audit");
                    }
                }
            }
        }

        Assert.True(early > 0);
    }

    [Theory]
    [InlineData(FleetRepairKinds.All)]
    [InlineData(FleetRepairKinds.LegacyVoices | FleetRepairKinds.Drift)]
    [InlineData(FleetRepairKinds.LegacyVoices | FleetRepairKinds.Duplicates)]
    public void PlanEarly_ManagedAssistantWhenOtherKindsAreChosen_WaitsForTheWholeAudit(FleetRepairKinds chosen) =>
        Assert.Null(FleetRepairPlanner.PlanEarly(Finding(FleetFindingKind.LegacyVoice), managedHere: true, chosen, null));

    [Fact]
    public void FieldDiff_ComparesOnlyTheDefinitionsFields()
    {
        var expected = new JsonObject { ["firstMessage"] = "Hi", ["model"] = new JsonObject { ["temperature"] = 0.3, ["messages"] = new JsonArray("a") } };
        var actual = new JsonObject { ["firstMessage"] = "Hi", ["serverUrl"] = "x", ["model"] = new JsonObject { ["temperature"] = 0.3, ["messages"] = new JsonArray("b"), ["maxTokens"] = 250 } };

        var differences = FieldDiff.Compare(expected, actual);

        var difference = Assert.Single(differences);
        Assert.Equal(new FleetFieldDifference("model.messages", "[\"a\"]", "[\"b\"]"), difference);
    }

    private static DesiredAssistant Desired(bool definitionHasVoice)
    {
        var definition = new AssistantDefinition { Name = "Agent", Voice = definitionHasVoice ? new VoiceConfig { Provider = "azure", VoiceId = "en-US-JennyNeural" } : null };
        return DesiredAssistant.Build(new AssistantSyncRequest("org", "agent", definition), new VoiceNormalization { Original = definition.Voice, Result = definition.Voice }, "vapiSyncKey");
    }

    private static FleetFinding Finding(FleetFindingKind kind, string assistantId = "assistant-1") => new()
    {
        Kind = kind,
        AssistantId = assistantId,
        AgentKey = "agent",
        ReplacementVoice = kind == FleetFindingKind.LegacyVoice ? new VoiceConfig { Provider = "azure", VoiceId = "en-US-JennyNeural" } : null,
        Description = kind.ToString(),
    };
}
