using System.Net;

namespace VapiSync.Client.Http.Internal;

/// <summary>What kind of failure an exception is (stub until the transport branch's classifier is merged).</summary>
internal enum FailureKind
{
    Cancelled,
    Invalid,
    CredentialMissing,
    CredentialUnavailable,
    NotSent,
    RateLimited,
    Refused,
    NotFound,
    ServerError,
    NoAnswer,
    Fenced,
    StoreFailed,
    Unknown,
}

/// <summary>Maps any failure to a <see cref="FailureKind"/> (stub until the transport branch's classifier is merged).</summary>
internal static class FailureClassifier
{
    public static FailureKind Classify(Exception exception, CancellationToken callerToken = default) => exception switch
    {
        OperationCanceledException when callerToken.IsCancellationRequested => FailureKind.Cancelled,
        VapiValidationException => FailureKind.Invalid,
        Credentials.VapiCredentialNotFoundException => FailureKind.CredentialMissing,
        VapiApiException { ErrorCode: VapiErrorCodes.CircuitOpen } => FailureKind.NotSent,
        VapiApiException { StatusCode: HttpStatusCode.TooManyRequests } => FailureKind.RateLimited,
        VapiApiException { StatusCode: HttpStatusCode.NotFound } => FailureKind.NotFound,
        VapiApiException { ErrorCode: VapiErrorCodes.MalformedResponse } => FailureKind.NoAnswer,
        VapiApiException { IsNoResponse: true } => FailureKind.NoAnswer,
        VapiApiException api when api.StatusCode == HttpStatusCode.RequestTimeout || (int)api.StatusCode >= 500 => FailureKind.ServerError,
        VapiApiException => FailureKind.Refused,
        _ => FailureKind.Unknown,
    };

    public static bool MayHaveCommitted(FailureKind kind) => kind is FailureKind.ServerError or FailureKind.NoAnswer;

    public static bool IsTransient(FailureKind kind) => kind is FailureKind.RateLimited or FailureKind.ServerError or FailureKind.NoAnswer or FailureKind.NotSent or FailureKind.StoreFailed;
}
