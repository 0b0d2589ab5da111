using VapiSync.Client.Http;

namespace VapiSync.Client.Queue.Internal;

/// <summary>What a failed attempt means for the item.</summary>
internal enum SyncQueueFailureKind
{
    /// <summary>Vapi was not asked (breaker open, account paused): try again later without using an attempt.</summary>
    Deferred,

    /// <summary>May succeed later: use an attempt and back off.</summary>
    Transient,

    /// <summary>Cannot succeed without a change to the item or the host's set-up: park it.</summary>
    Permanent,
}

/// <summary>
/// Maps a sync's exception to what the queue does with the item. <see cref="VapiSyncException.IsTransient"/> is the
/// primary signal, so the queue agrees with the HTTP layer's own classification of every status.
/// </summary>
internal static class SyncQueueFailure
{
    public static (SyncQueueFailureKind Kind, SyncQueueError Error) Classify(Exception exception, DateTimeOffset now)
    {
        var error = new SyncQueueError
        {
            ErrorCode = exception is VapiSyncException { ErrorCode: { } code } ? code : exception.GetType().Name,
            Message = exception.Message,
            StatusCode = exception is VapiSyncException typed ? typed.StatusCode : 0,
            IsTransient = exception is not (VapiSyncException { IsTransient: false } or ArgumentException),
            OccurredAt = now,
        };
        var kind = exception switch
        {
            // Not the item's fault: the breaker refused, the account is paused, or Vapi rate-limited (429) the key.
            VapiSyncException { ErrorCode: VapiErrorCodes.CircuitOpen or VapiErrorCodes.RateLimited } => SyncQueueFailureKind.Deferred,
            VapiApiException { StatusCode: System.Net.HttpStatusCode.TooManyRequests } => SyncQueueFailureKind.Deferred,
            VapiSyncException { IsTransient: true } => SyncQueueFailureKind.Transient,
            VapiSyncException or ArgumentException => SyncQueueFailureKind.Permanent,
            _ => SyncQueueFailureKind.Transient, // an unexpected failure is not proof the item is bad
        };
        return (kind, error);
    }

    public static string ParkReason(Exception exception, SyncQueueError error) => exception switch
    {
        VapiValidationException => $"The definition cannot be sent to Vapi: {error.Message}",
        VapiApiException api => $"Vapi refused it with {(int)api.StatusCode} ({error.ErrorCode}): {error.Message}",
        VapiSyncException => $"{error.ErrorCode}: {error.Message}",
        _ => $"Invalid request: {error.Message}",
    };

    /// <summary>Exponential backoff with equal jitter: half the step is fixed, half random, so a burst of failures spreads out.</summary>
    public static TimeSpan Backoff(int attempt, SyncQueueOptions options, Random random)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var step = Math.Min(options.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent), options.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((step / 2) + (random.NextDouble() * step / 2));
    }
}
