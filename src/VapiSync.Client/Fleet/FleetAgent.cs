namespace VapiSync.Client.Fleet;

/// <summary>An agent the host still has, with the definition it last applied, so the audit can detect drift.</summary>
/// <param name="AgentKey">The host's agent key (as passed to <see cref="IVapiAssistantManager.EnsureAssistantAsync"/>).</param>
/// <param name="Definition">The definition last applied; its voice is normalized before comparing, as a sync would.</param>
public sealed record FleetAgent(string AgentKey, AssistantDefinition Definition);
