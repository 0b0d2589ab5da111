using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// Logs of account moves and orphans (event ids 1200–1209). Accounts are named by key fingerprint, never by key.
/// </summary>
internal static partial class AccountMoveLog
{
    [LoggerMessage(1200, LogLevel.Information, "Moved the assistant of agent {AgentKey} of organization {OrganizationId} from account {PreviousAccount} to account {Account}: {AssistantId} replaces {PreviousAssistantId} ({PreviousAssistantFate})")]
    public static partial void Moved(ILogger logger, string organizationId, string agentKey, string previousAccount, string account, string assistantId, string previousAssistantId, string previousAssistantFate);

    [LoggerMessage(1201, LogLevel.Warning, "Assistant {AssistantId} of agent {AgentKey} of organization {OrganizationId} stays behind in account {AccountFingerprint}: {Reason}. Recorded as an orphan; the next sync that changes the agent tries again")]
    public static partial void OrphanRecorded(ILogger logger, string organizationId, string agentKey, string assistantId, string accountFingerprint, string reason);

    [LoggerMessage(1202, LogLevel.Information, "Deleted orphaned assistant {AssistantId} of agent {AgentKey} of organization {OrganizationId} in account {AccountFingerprint}")]
    public static partial void OrphanDeleted(ILogger logger, string organizationId, string agentKey, string assistantId, string accountFingerprint);

    [LoggerMessage(1203, LogLevel.Information, "The key for agent {AgentKey} of organization {OrganizationId} changed ({PreviousAccount} → {Account}) but reaches the same assistant {AssistantId}: same Vapi account, nothing moved")]
    public static partial void SameAccountNewKey(ILogger logger, string organizationId, string agentKey, string previousAccount, string account, string assistantId);

    [LoggerMessage(1204, LogLevel.Warning, "Agent {AgentKey} of organization {OrganizationId} was deleted but its orphaned assistant {AssistantId} in account {AccountFingerprint} could not be: delete it in Vapi")]
    public static partial void OrphanAbandoned(ILogger logger, string organizationId, string agentKey, string assistantId, string accountFingerprint);
}
