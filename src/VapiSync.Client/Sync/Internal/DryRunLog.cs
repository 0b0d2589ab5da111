using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// Logs of dry runs (<see cref="AssistantSyncRequest.DryRun"/>, event ids 1300–1309): what a sync would do, never a
/// field value (definitions may carry the host's data) and never a key (credentials are named by their source).
/// </summary>
internal static partial class DryRunLog
{
    [LoggerMessage(1300, LogLevel.Information, "Dry run of agent {AgentKey} of organization {OrganizationId}: would be {Outcome}, assistant {AssistantId}, {DifferenceCount} fields differ (credential {CredentialSource}); nothing was written")]
    public static partial void Planned(ILogger logger, string organizationId, string agentKey, SyncOutcome outcome, string assistantId, int differenceCount, string credentialSource);

    [LoggerMessage(1301, LogLevel.Warning, "Dry run of agent {AgentKey} of organization {OrganizationId} failed")]
    public static partial void Failed(ILogger logger, Exception exception, string organizationId, string agentKey);

    [LoggerMessage(1302, LogLevel.Information, "Dry run of agent {AgentKey} of organization {OrganizationId}: assistant {AssistantId} no longer exists at Vapi (404), planning as the sync would after its PATCH failed")]
    public static partial void AssistantMissing(ILogger logger, string organizationId, string agentKey, string assistantId);

    [LoggerMessage(1303, LogLevel.Information, "Dry run of agent {AgentKey} of organization {OrganizationId}: {Count} duplicate assistants carry its sync key; a sync would keep {KeptAssistantId} and delete the others")]
    public static partial void DuplicatesPlanned(ILogger logger, string organizationId, string agentKey, string keptAssistantId, int count);
}
