using Microsoft.Extensions.Logging;
using VapiSync.Client.Credentials.Internal;
using VapiSync.Client.Http;

namespace VapiSync.Client.Sync.Internal;

/// <summary>The sync's logs (event ids 1000–1099; account moves use 1200–1209). Keys are never logged: at most a fingerprint (8 hex chars of their SHA-256).</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Synced agent {AgentKey} of organization {OrganizationId}: {Outcome} assistant {AssistantId} (credential {CredentialSource})")]
    public static partial void Synced(ILogger logger, string organizationId, string agentKey, string assistantId, SyncOutcome outcome, string credentialSource);

    [LoggerMessage(1001, LogLevel.Information, "Normalized the voice of agent {AgentKey} of organization {OrganizationId}: {OriginalVoice} → {Voice} ({VoiceRule})")]
    public static partial void VoiceNormalized(ILogger logger, string organizationId, string agentKey, string? originalVoice, string? voice, string voiceRule);

    [LoggerMessage(1002, LogLevel.Warning, "Assistant {AssistantId} of agent {AgentKey} of organization {OrganizationId} no longer exists at Vapi (404); creating it again")]
    public static partial void AssistantMissing(ILogger logger, string organizationId, string agentKey, string assistantId);

    [LoggerMessage(1003, LogLevel.Warning, "Creating the assistant of agent {AgentKey} of organization {OrganizationId} ended without a usable answer (status {StatusCode}, {ErrorCode}, attempt {Attempt}); checking whether Vapi created it")]
    public static partial void CreateOutcomeUnknown(ILogger logger, string organizationId, string agentKey, int statusCode, string? errorCode, int attempt);

    [LoggerMessage(1004, LogLevel.Warning, "Vapi did create assistant {AssistantId} for agent {AgentKey} of organization {OrganizationId} although the answer was lost; adopting it")]
    public static partial void CreateConfirmedByListing(ILogger logger, string organizationId, string agentKey, string assistantId);

    [LoggerMessage(1005, LogLevel.Warning, "{Count} assistants carry sync key {SyncKey}; using the oldest, {AssistantId}. Delete the others in Vapi")]
    public static partial void DuplicateAssistantsFound(ILogger logger, string syncKey, int count, string assistantId);

    [LoggerMessage(1006, LogLevel.Debug, "Listed the Vapi account of key {KeyFingerprint}: {Count} assistants, {Managed} managed by VapiSync")]
    public static partial void AccountListed(ILogger logger, string keyFingerprint, int count, int managed);

    [LoggerMessage(1007, LogLevel.Information, "Deleted agent {AgentKey} of organization {OrganizationId}: assistant {AssistantId}, removed at Vapi: {Deleted}")]
    public static partial void Deleted(ILogger logger, string organizationId, string agentKey, string? assistantId, bool deleted);

    /// <summary>
    /// A sync that failed. Vapi refusing the definition (a non-transient 4xx) is an expected outcome, not a fault of ours:
    /// it is logged once, with Vapi's messages and without a stack trace; anything else with its exception, scrubbed of
    /// secrets (<see cref="RedactedException"/>).
    /// </summary>
    public static void SyncFailed(ILogger logger, Exception exception, string organizationId, string agentKey)
    {
        if (!logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        if (exception is VapiApiException { IsTransient: false, StatusCode: >= System.Net.HttpStatusCode.BadRequest and < System.Net.HttpStatusCode.InternalServerError } rejected)
        {
            SyncRejected(logger, organizationId, agentKey, (int)rejected.StatusCode, rejected.Message);
        }
        else
        {
            SyncFailedCore(logger, RedactedException.Of(exception), organizationId, agentKey);
        }
    }

    [LoggerMessage(1008, LogLevel.Warning, "Syncing agent {AgentKey} of organization {OrganizationId} failed")]
    private static partial void SyncFailedCore(ILogger logger, Exception exception, string organizationId, string agentKey);

    [LoggerMessage(1014, LogLevel.Warning, "Vapi rejected the sync of agent {AgentKey} of organization {OrganizationId} ({StatusCode}): {Message}")]
    private static partial void SyncRejected(ILogger logger, string organizationId, string agentKey, int statusCode, string message);

    [LoggerMessage(1009, LogLevel.Warning, "Vapi rate-limited the create of agent {AgentKey} of organization {OrganizationId} (attempt {Attempt}); trying again in {Wait}")]
    public static partial void CreateRateLimited(ILogger logger, string organizationId, string agentKey, TimeSpan wait, int attempt);

    [LoggerMessage(1010, LogLevel.Warning, "{Count} assistants carry the sync key of agent {AgentKey} of organization {OrganizationId} (concurrent creates by instances that share no lock); keeping {AssistantId}, the oldest, and deleting the others")]
    public static partial void ConcurrentCreatesConverged(ILogger logger, string organizationId, string agentKey, int count, string assistantId);

    [LoggerMessage(1011, LogLevel.Warning, "Could not check for concurrent creates of agent {AgentKey} of organization {OrganizationId} after creating {AssistantId}; the sync fails and the next one settles it")]
    public static partial void ConvergenceFailed(ILogger logger, Exception exception, string organizationId, string agentKey, string assistantId);

    [LoggerMessage(1012, LogLevel.Warning, "Could not delete duplicate assistant {AssistantId} of agent {AgentKey} of organization {OrganizationId}; the next listing of the account settles it")]
    public static partial void DuplicateNotDeleted(ILogger logger, Exception exception, string organizationId, string agentKey, string assistantId);

    [LoggerMessage(1013, LogLevel.Warning, "Could not flag the state of agent {AgentKey} of organization {OrganizationId} for a lookup after a create of unknown outcome ({ExceptionType}); a restart before its next sync may leave a duplicate")]
    public static partial void NeedsLookupNotStored(ILogger logger, string exceptionType, string organizationId, string agentKey);
}
