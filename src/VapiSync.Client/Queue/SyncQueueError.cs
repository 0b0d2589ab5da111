using System.Net;

namespace VapiSync.Client.Queue;

/// <summary>The typed failure of a queued item's last attempt. Never carries an API key.</summary>
public sealed record SyncQueueError
{
    /// <summary>Gets the stable error code: one of <see cref="VapiErrorCodes"/>, Vapi's own <c>error</c> field, or the exception's type name for an unexpected failure.</summary>
    public required string ErrorCode { get; init; }

    /// <summary>Gets the failure's message (Vapi's message when it answered).</summary>
    public required string Message { get; init; }

    /// <summary>Gets the HTTP status Vapi answered with, or <c>0</c> when it did not answer or was never called.</summary>
    public HttpStatusCode StatusCode { get; init; }

    /// <summary>Gets a value indicating whether the failure may go away without a change to the item.</summary>
    public bool IsTransient { get; init; }

    /// <summary>Gets when the failure happened.</summary>
    public DateTimeOffset OccurredAt { get; init; }
}
