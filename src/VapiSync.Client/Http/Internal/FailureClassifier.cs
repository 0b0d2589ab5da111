using System.Data.Common;
using System.Net;
using System.Net.Http;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Http.Internal;

/// <summary>
/// The single map from any failure to a <see cref="FailureKind"/>. Library exceptions are classified by
/// <see cref="VapiErrorCodes"/> and status; raw transport exceptions (when an <see cref="IVapiClient"/> other than ours
/// throws them) by their shape. Whether a request reached Vapi is told by <see cref="HttpRequestError"/>: a failure to
/// connect happens before any byte is sent, anything later may have been processed.
/// </summary>
internal static class FailureClassifier
{
    /// <summary>Classifies a failure.</summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="callerToken">The caller's token: a cancellation it requested is <see cref="FailureKind.Cancelled"/>, any other is a timeout.</param>
    public static FailureKind Classify(Exception exception, CancellationToken callerToken = default)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            AggregateException { InnerExceptions.Count: 1 } aggregate => Classify(aggregate.InnerExceptions[0], callerToken),
            VapiApiException api => ClassifyApi(api),
            VapiValidationException => FailureKind.Invalid,
            VapiCredentialNotFoundException => FailureKind.CredentialMissing,
            VapiSyncException library => ClassifyCode(library.ErrorCode),
            OperationCanceledException when callerToken.IsCancellationRequested || !callerToken.CanBeCanceled && exception.InnerException is not TimeoutException
                => FailureKind.Cancelled,
            OperationCanceledException or TimeoutRejectedException or TimeoutException => FailureKind.NoAnswer,
            BrokenCircuitException => FailureKind.NotSent,
            HttpRequestException http => ClassifyTransport(http),
            IOException => FailureKind.NoAnswer,
            ArgumentException or FormatException => FailureKind.Invalid,
            DbException => FailureKind.StoreFailed,
            _ => FailureKind.Unknown,
        };
    }

    /// <summary>Whether Vapi may hold the effect of the request although the caller got no success (a POST may have created).</summary>
    public static bool MayHaveCommitted(FailureKind kind) => kind is FailureKind.ServerError or FailureKind.NoAnswer;

    /// <summary>Whether the same call may succeed later without any change to its input.</summary>
    public static bool IsTransient(FailureKind kind) => kind is FailureKind.CredentialUnavailable or FailureKind.NotSent
        or FailureKind.RateLimited or FailureKind.ServerError or FailureKind.NoAnswer or FailureKind.Fenced or FailureKind.StoreFailed;

    /// <summary>
    /// Whether one attempt's outcome says Vapi itself is failing, so it counts towards opening the circuit breaker:
    /// 5xx, 408, timeouts and connection failures. Never 429 or another 4xx (they are about one account or one
    /// request), nor a request that could not be built (a malformed key): one tenant cannot open the breaker for all.
    /// </summary>
    /// <param name="statusCode">The status Vapi answered, or <see langword="null"/> when the attempt threw.</param>
    /// <param name="exception">What the attempt threw, if anything.</param>
    public static bool CountsForBreaker(HttpStatusCode? statusCode, Exception? exception)
    {
        if (exception is not null)
        {
            return exception switch
            {
                TimeoutRejectedException => true,
                HttpRequestException http => IsServerSideTransport(http),
                IOException => true,
                _ => false,
            };
        }

        return statusCode is { } status && (status == HttpStatusCode.RequestTimeout || (int)status >= 500);
    }

    private static FailureKind ClassifyApi(VapiApiException exception)
    {
        switch (exception.ErrorCode)
        {
            case VapiErrorCodes.CircuitOpen:
                return FailureKind.NotSent;
            case VapiErrorCodes.InvalidCredential:
                return FailureKind.Invalid;
            case VapiErrorCodes.MalformedResponse when exception.StatusCode == 0 || (int)exception.StatusCode < 300:
                // A success whose body could not be read: Vapi did the work, we cannot tell what it answered.
                return FailureKind.NoAnswer;
        }

        return exception.StatusCode switch
        {
            0 => exception.ErrorCode switch
            {
                // The account's Retry-After pause outlasted the request's time budget: never sent.
                VapiErrorCodes.RateLimited => FailureKind.NotSent,
                VapiErrorCodes.ConnectionFailed when exception.InnerException is HttpRequestException http => ClassifyTransport(http),
                _ => FailureKind.NoAnswer,
            },
            HttpStatusCode.TooManyRequests => FailureKind.RateLimited,
            HttpStatusCode.NotFound => FailureKind.NotFound,
            HttpStatusCode.RequestTimeout => FailureKind.ServerError,
            var status when (int)status >= 500 => FailureKind.ServerError,
            var status when (int)status >= 400 => FailureKind.Refused,
            _ => FailureKind.Unknown,
        };
    }

    private static FailureKind ClassifyCode(string? errorCode) => errorCode switch
    {
        VapiErrorCodes.ValidationFailed or VapiErrorCodes.InvalidCredential => FailureKind.Invalid,
        VapiErrorCodes.CredentialNotFound => FailureKind.CredentialMissing,
        VapiErrorCodes.CredentialUnavailable => FailureKind.CredentialUnavailable,
        VapiErrorCodes.CircuitOpen => FailureKind.NotSent,
        VapiErrorCodes.RateLimited => FailureKind.RateLimited,
        VapiErrorCodes.Timeout or VapiErrorCodes.MalformedResponse => FailureKind.NoAnswer,
        VapiErrorCodes.LeaseLost => FailureKind.Fenced,
        VapiErrorCodes.LockTimeout or VapiErrorCodes.StateStoreFailed => FailureKind.StoreFailed,
        _ => FailureKind.Unknown,
    };

    /// <summary>Connecting (DNS, TCP, TLS, proxy tunnel) happens before the request's first byte: nothing was sent.</summary>
    private static FailureKind ClassifyTransport(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
            or HttpRequestError.ProxyTunnelError => FailureKind.NotSent,
        HttpRequestError.Unknown when exception.InnerException is FormatException or ArgumentException => FailureKind.NotSent,
        _ => FailureKind.NoAnswer,
    };

    private static bool IsServerSideTransport(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.Unknown => exception.InnerException is IOException or System.Net.Sockets.SocketException,
        HttpRequestError.UserAuthenticationError or HttpRequestError.ConfigurationLimitExceeded or HttpRequestError.VersionNegotiationError => false,
        _ => true,
    };
}
