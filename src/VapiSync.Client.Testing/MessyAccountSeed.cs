using VapiSync.Client.Fleet;

namespace VapiSync.Client.Testing;

/// <summary>What <see cref="MessyAccount.Seed"/> put into the fake, and what an audit should therefore find.</summary>
public sealed class MessyAccountSeed
{
    /// <summary>Gets the host organization the managed assistants belong to.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>Gets the host's live agents with the definitions they last applied (pass them to the audit for drift and orphans).</summary>
    public required IReadOnlyList<FleetAgent> Agents { get; init; }

    /// <summary>Gets the assistants with a legacy voice (managed, orphaned and unmanaged).</summary>
    public required IReadOnlyList<string> LegacyVoiceAssistantIds { get; init; }

    /// <summary>Gets the unmanaged assistants (no sync key) with a legacy voice.</summary>
    public required IReadOnlyList<string> UnmanagedLegacyVoiceAssistantIds { get; init; }

    /// <summary>Gets the duplicates that should be deleted (the oldest of each group is the one kept).</summary>
    public required IReadOnlyList<string> DuplicateAssistantIds { get; init; }

    /// <summary>Gets the assistants of agents the host no longer has.</summary>
    public required IReadOnlyList<string> OrphanAssistantIds { get; init; }

    /// <summary>Gets the assistants edited in Vapi's dashboard since their definition was applied.</summary>
    public required IReadOnlyList<string> DriftedAssistantIds { get; init; }

    /// <summary>Gets how many assistants the account holds.</summary>
    public required int AssistantCount { get; init; }
}
