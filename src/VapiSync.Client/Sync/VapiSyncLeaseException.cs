namespace VapiSync.Client;

/// <summary>
/// The per-agent lock could not be taken in time (<see cref="VapiErrorCodes.LockTimeout"/>), or the sync lost its lease
/// while it ran — it paused or was partitioned longer than the lease, another instance took the agent, and the
/// sync's state write was refused (<see cref="VapiErrorCodes.LeaseLost"/>). Either way nothing wrong was stored and
/// the next sync of the agent settles it.
/// </summary>
public sealed class VapiSyncLeaseException : VapiSyncException
{
    /// <summary>Initializes a new instance of the <see cref="VapiSyncLeaseException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="errorCode"><see cref="VapiErrorCodes.LeaseLost"/> or <see cref="VapiErrorCodes.LockTimeout"/>.</param>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public VapiSyncLeaseException(string message, string errorCode, string organizationId, string agentKey, Exception? innerException = null)
        : base(message, errorCode, innerException)
    {
        OrganizationId = organizationId;
        AgentKey = agentKey;
    }

    /// <summary>Gets the organization whose agent's lock was lost or not taken.</summary>
    public string OrganizationId { get; }

    /// <summary>Gets the agent whose lock was lost or not taken.</summary>
    public string AgentKey { get; }

    /// <summary>Gets a value that is always <see langword="true"/>: the holder finishes or its lease expires, and the next sync proceeds.</summary>
    public override bool IsTransient => true;

    /// <summary>Creates the exception for a sync whose lease was lost.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="fencingToken">The token of the lease that was lost.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <returns>The exception, with <see cref="VapiErrorCodes.LeaseLost"/>.</returns>
    public static VapiSyncLeaseException LeaseLost(string organizationId, string agentKey, long fencingToken, Exception? innerException = null) => new(
        $"The sync of agent '{agentKey}' of organization '{organizationId}' lost its lease (fencing token {fencingToken}): another sync took the agent, so this one's state write was refused. The next sync settles it.",
        VapiErrorCodes.LeaseLost,
        organizationId,
        agentKey,
        innerException);

    /// <summary>Creates the exception for a lock that could not be taken in time.</summary>
    /// <param name="organizationId">The host's organization id.</param>
    /// <param name="agentKey">The host's agent key.</param>
    /// <param name="timeout">How long the caller waited.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    /// <returns>The exception, with <see cref="VapiErrorCodes.LockTimeout"/>.</returns>
    public static VapiSyncLeaseException LockTimeout(string organizationId, string agentKey, TimeSpan timeout, Exception? innerException = null) => new(
        $"Another sync of agent '{agentKey}' of organization '{organizationId}' held its lock for longer than {timeout}.",
        VapiErrorCodes.LockTimeout,
        organizationId,
        agentKey,
        innerException);
}
