namespace VapiSync.Client.Testing;

/// <summary>What can go wrong with one request. Create with the static factories.</summary>
public sealed record Fault
{
    private Fault(FaultKind kind, int statusCode = 0, TimeSpan delay = default, TimeSpan? retryAfter = null)
    {
        Kind = kind;
        StatusCode = statusCode;
        Delay = delay;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the kind of fault.</summary>
    public FaultKind Kind { get; }

    /// <summary>Gets the status answered, for <see cref="FaultKind.Status"/> and <see cref="FaultKind.CommitThenFail"/>.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the delay, for <see cref="FaultKind.Delay"/> and <see cref="FaultKind.CommitThenStall"/>.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Gets the <c>Retry-After</c> sent with a status, if any.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Answers with an error status and Vapi's error body; nothing is applied.</summary>
    /// <param name="statusCode">The status, for example 503.</param>
    /// <param name="retryAfter">Sent as <c>Retry-After</c> (whole seconds) when given.</param>
    /// <returns>The fault.</returns>
    public static Fault Status(int statusCode, TimeSpan? retryAfter = null) => new(FaultKind.Status, statusCode, retryAfter: retryAfter);

    /// <summary>Waits, then handles the request normally.</summary>
    /// <param name="delay">How long to wait.</param>
    /// <returns>The fault.</returns>
    public static Fault Latency(TimeSpan delay) => new(FaultKind.Delay, delay: delay);

    /// <summary>Drops the connection without answering; nothing is applied.</summary>
    /// <returns>The fault.</returns>
    public static Fault ConnectionReset() => new(FaultKind.ConnectionReset);

    /// <summary>Applies the request, then answers its success status with a body that is not valid JSON.</summary>
    /// <returns>The fault.</returns>
    public static Fault MalformedBody() => new(FaultKind.MalformedBody);

    /// <summary>Applies the request, then answers with an error status: the lost response.</summary>
    /// <param name="statusCode">The status, for example 500 or 502.</param>
    /// <returns>The fault.</returns>
    public static Fault CommitThenFail(int statusCode = 500) => new(FaultKind.CommitThenFail, statusCode);

    /// <summary>Applies the request, then holds the answer back (past the client's timeout), then answers normally.</summary>
    /// <param name="delay">How long to stall; the stall ends early when the client gives up.</param>
    /// <returns>The fault.</returns>
    public static Fault CommitThenStall(TimeSpan delay) => new(FaultKind.CommitThenStall, delay: delay);

    /// <summary>Applies the request, then drops the connection without answering.</summary>
    /// <returns>The fault.</returns>
    public static Fault CommitThenReset() => new(FaultKind.CommitThenReset);

    /// <summary>Returns the fault in a short form, for example <c>Status(503)</c>.</summary>
    /// <returns>The short form.</returns>
    public override string ToString() => Kind switch
    {
        FaultKind.Status or FaultKind.CommitThenFail => $"{Kind}({StatusCode})",
        FaultKind.Delay or FaultKind.CommitThenStall => $"{Kind}({Delay.TotalMilliseconds:0}ms)",
        _ => Kind.ToString(),
    };
}
