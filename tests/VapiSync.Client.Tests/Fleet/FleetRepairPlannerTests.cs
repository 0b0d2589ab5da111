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
        var definition = new AssistantDefinition { Name = "Agent", Voice = definitionHasVoice ? new VoiceConfig { Provider = "azure", VoiceId = "en-US-JennyNeural" } : null };
        var desired = DesiredAssistant.Build(new AssistantSyncRequest("org", "agent", definition), new VoiceNormalization { Original = definition.Voice, Result = definition.Voice }, "vapiSyncKey");

        var plan = FleetRepairPlanner.Plan(findings, chosen, null, new Dictionary<string, DesiredAssistant> { ["agent"] = desired });

        Assert.Equal(expected, string.Join(",", plan.Select(p => p.Operation)));
    }

    [Fact]
    public void Plan_SelectedAssistants_SkipsTheOthers()
    {
        var findings = new[] { Finding(FleetFindingKind.LegacyVoice, "a"), Finding(FleetFindingKind.LegacyVoice, "b") };

        var plan = FleetRepairPlanner.Plan(findings, FleetRepairKinds.All, new HashSet<string> { "b" }, new Dictionary<string, DesiredAssistant>());

        Assert.Equal(["b"], plan.Select(p => p.AssistantId));
    }

    [Fact]
    public void FieldDiff_ComparesOnlyTheDefinitionsFields()
    {
        var expected = new JsonObject { ["firstMessage"] = "Hi", ["model"] = new JsonObject { ["temperature"] = 0.3, ["messages"] = new JsonArray("a") } };
        var actual = new JsonObject { ["firstMessage"] = "Hi", ["serverUrl"] = "x", ["model"] = new JsonObject { ["temperature"] = 0.3, ["messages"] = new JsonArray("b"), ["maxTokens"] = 250 } };

        var differences = FieldDiff.Compare(expected, actual);

        var difference = Assert.Single(differences);
        Assert.Equal(new FleetFieldDifference("model.messages", "[\"a\"]", "[\"b\"]"), difference);
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
