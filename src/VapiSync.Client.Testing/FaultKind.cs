namespace VapiSync.Client.Testing;

/// <summary>The kinds of <see cref="Fault"/>.</summary>
public enum FaultKind
{
    /// <summary>An error status with Vapi's error body; nothing applied.</summary>
    Status,

    /// <summary>Extra latency, then normal handling.</summary>
    Delay,

    /// <summary>The connection is dropped; nothing applied.</summary>
    ConnectionReset,

    /// <summary>Applied, then a success status with an unreadable body.</summary>
    MalformedBody,

    /// <summary>Applied, then an error status (the lost response).</summary>
    CommitThenFail,

    /// <summary>Applied, then the answer is held back.</summary>
    CommitThenStall,

    /// <summary>Applied, then the connection is dropped.</summary>
    CommitThenReset,
}
