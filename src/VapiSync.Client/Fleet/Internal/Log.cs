using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Fleet.Internal;

/// <summary>The fleet audit's and repair's logs (event ids 8000–8099; the queue has 7xxx). Every write is logged; keys never are, only fingerprints.</summary>
internal static partial class Log
{
    [LoggerMessage(8000, LogLevel.Information, "Audited the Vapi account of organization {OrganizationId} (key fingerprint {KeyFingerprint}): {AssistantCount} assistants, {LegacyVoices} legacy voices, {Duplicates} duplicates, {Orphans} orphans, {Drifted} drifted")]
    public static partial void Audited(ILogger logger, string organizationId, string keyFingerprint, int assistantCount, int legacyVoices, int duplicates, int orphans, int drifted);

    [LoggerMessage(8001, LogLevel.Information, "Fleet repair of organization {OrganizationId}: {Operation} assistant {AssistantId} (agent {AgentKey}) → {Status}; fixes {Fixes}")]
    public static partial void Repaired(ILogger logger, string organizationId, FleetRepairOperation operation, string assistantId, string? agentKey, FleetRepairStatus status, string fixes);

    [LoggerMessage(8002, LogLevel.Warning, "Fleet repair of organization {OrganizationId}: {Operation} assistant {AssistantId} (agent {AgentKey}) failed; the next repair tries again")]
    public static partial void RepairFailed(ILogger logger, Exception exception, string organizationId, FleetRepairOperation operation, string assistantId, string? agentKey);

    [LoggerMessage(8003, LogLevel.Information, "Fleet repair of organization {OrganizationId} ({Mode}): {Planned} writes planned, {Done} done, {AlreadyDone} already done, {Failed} failed")]
    public static partial void RepairCompleted(ILogger logger, string organizationId, string mode, int planned, int done, int alreadyDone, int failed);

    [LoggerMessage(8004, LogLevel.Debug, "Fleet audit of organization {OrganizationId}: the state store cannot list, so {Purpose} uses per-agent reads")]
    public static partial void StateStoreCannotList(ILogger logger, string organizationId, string purpose);
}
