using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Queue.Internal;

/// <summary>The queue's logs (event ids 7xxx). Never a key; messages of typed failures carry none.</summary>
internal static partial class SyncQueueLog
{
    [LoggerMessage(7000, LogLevel.Debug, "Queued {Operation} of agent {AgentKey} of organization {OrganizationId} (version {Version})")]
    public static partial void Enqueued(ILogger logger, string organizationId, string agentKey, SyncQueueOperation operation, long version);

    [LoggerMessage(7001, LogLevel.Information, "Applied queued {Operation} of agent {AgentKey} of organization {OrganizationId} (version {Version}): assistant {AssistantId}, {Outcome}")]
    public static partial void Applied(ILogger logger, string organizationId, string agentKey, SyncQueueOperation operation, long version, string? assistantId, string outcome);

    [LoggerMessage(7002, LogLevel.Warning, "Queued {Operation} of agent {AgentKey} of organization {OrganizationId} failed (attempt {Attempt}, {ErrorCode}); trying again at {RetryAt}")]
    public static partial void Failed(ILogger logger, Exception exception, string organizationId, string agentKey, SyncQueueOperation operation, int attempt, string errorCode, DateTimeOffset retryAt);

    [LoggerMessage(7003, LogLevel.Error, "Parked queued {Operation} of agent {AgentKey} of organization {OrganizationId}: {Reason}")]
    public static partial void Parked(ILogger logger, Exception exception, string organizationId, string agentKey, SyncQueueOperation operation, string reason);

    [LoggerMessage(7004, LogLevel.Debug, "Deferred queued item of agent {AgentKey} of organization {OrganizationId} until {RetryAt}: Vapi is not taking calls ({ErrorCode}); no attempt used")]
    public static partial void Deferred(ILogger logger, string organizationId, string agentKey, DateTimeOffset retryAt, string errorCode);

    [LoggerMessage(7005, LogLevel.Warning, "The lease on agent {AgentKey} of organization {OrganizationId} was lost before its result was recorded; the item's next claimer settles it")]
    public static partial void LeaseLost(ILogger logger, string organizationId, string agentKey);

    [LoggerMessage(7006, LogLevel.Warning, "A sync queue observer failed for agent {AgentKey} of organization {OrganizationId}")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string organizationId, string agentKey);

    [LoggerMessage(7007, LogLevel.Error, "The sync queue store failed; the drainer tries again after {Wait}")]
    public static partial void StoreFailed(ILogger logger, Exception exception, TimeSpan wait);

    [LoggerMessage(7008, LogLevel.Information, "The sync queue drainer waits: the Vapi circuit breaker is {State}")]
    public static partial void WaitingForBreaker(ILogger logger, string state);

    [LoggerMessage(7009, LogLevel.Information, "The sync queue drainer stopped; {Released} in-flight items were released")]
    public static partial void Stopped(ILogger logger, int released);

    [LoggerMessage(7010, LogLevel.Warning, "The claim on agent {AgentKey} of organization {OrganizationId} was taken by another drainer; its processing here is cancelled")]
    public static partial void ClaimTaken(ILogger logger, string organizationId, string agentKey);

    [LoggerMessage(7011, LogLevel.Warning, "The claim on agent {AgentKey} of organization {OrganizationId} could not be renewed; trying again while it holds")]
    public static partial void ClaimRenewalFailed(ILogger logger, Exception exception, string organizationId, string agentKey);

    [LoggerMessage(7012, LogLevel.Warning, "The claim on agent {AgentKey} of organization {OrganizationId} could not be renewed before it expires at {ExpiresAt}; its processing is cancelled and the item released")]
    public static partial void ClaimExpiring(ILogger logger, string organizationId, string agentKey, DateTimeOffset expiresAt);

    [LoggerMessage(7013, LogLevel.Debug, "Version {ClaimedVersion} of agent {AgentKey} of organization {OrganizationId} was replaced by version {Version} ({Operation}) while it waited claimed; the latest is sent instead")]
    public static partial void Superseded(ILogger logger, string organizationId, string agentKey, long claimedVersion, long version, SyncQueueOperation operation);
}
