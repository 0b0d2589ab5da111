using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Http.Internal;

/// <summary>Logs of the requests to Vapi (event ids 3000–3099). Keys are never logged: at most a fingerprint (8 hex chars of their SHA-256).</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Warning, "Vapi {Operation} answered {StatusCode}: {Message}")]
    public static partial void VapiRequestFailed(ILogger logger, string operation, int statusCode, string message);

    /// <summary>A 4xx other than 408/429: the caller gets the exception (and a sync logs it once, at Warning); Debug here avoids a second warning.</summary>
    [LoggerMessage(3003, LogLevel.Debug, "Vapi {Operation} answered {StatusCode}: {Message}")]
    public static partial void VapiRequestRejected(ILogger logger, string operation, int statusCode, string message);

    [LoggerMessage(3001, LogLevel.Warning, "Vapi {Operation} got no answer ({ErrorCode}, {ExceptionType})")]
    public static partial void VapiRequestNotAnswered(ILogger logger, string operation, string errorCode, string exceptionType);

    [LoggerMessage(3002, LogLevel.Warning, "Listing the Vapi account of key {KeyFingerprint}: {Cells} group(s) of at least 1000 assistants share both createdAt and updatedAt to the millisecond; Vapi's list cannot page through them, so some may be missing")]
    public static partial void ListingIncomplete(ILogger logger, string keyFingerprint, int cells);
}
