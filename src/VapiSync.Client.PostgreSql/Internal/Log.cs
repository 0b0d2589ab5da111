using Microsoft.Extensions.Logging;

namespace VapiSync.Client.PostgreSql.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "The lease on agent {AgentKey} of organization {OrganizationId} (fencing token {FencingToken}) was lost: another instance took it")]
    public static partial void LeaseLost(ILogger logger, string organizationId, string agentKey, long fencingToken);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Renewing the lease on agent {AgentKey} of organization {OrganizationId} failed; trying again")]
    public static partial void RenewalFailed(ILogger logger, Exception exception, string organizationId, string agentKey);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Releasing the lease on agent {AgentKey} of organization {OrganizationId} failed; it expires on its own")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string organizationId, string agentKey);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "The lease on agent {AgentKey} of organization {OrganizationId} was taken as its caller gave up; released at once")]
    public static partial void TakeAbandoned(ILogger logger, string organizationId, string agentKey);
}
