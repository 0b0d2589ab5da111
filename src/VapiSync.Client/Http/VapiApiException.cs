using System.Net;

namespace VapiSync.Client.Http;

/// <summary>
/// A call to Vapi failed: Vapi answered with a non-success status, sent a body that could not be read, or could not
/// be reached at all (then <see cref="StatusCode"/> is <c>0</c> and <see cref="Exception.InnerException"/> says why).
/// </summary>
/// <remarks>Never carries an API key: messages come from Vapi's error body and from the library itself.</remarks>
public sealed class VapiApiException : VapiSyncException
{
    /// <summary>Initializes a new instance of the <see cref="VapiApiException"/> class.</summary>
    /// <param name="statusCode">The HTTP status Vapi answered with, or <c>0</c> when no response was received.</param>
    /// <param name="messages">Vapi's messages (its <c>message</c> field, string or array).</param>
    /// <param name="errorCode">Vapi's <c>error</c> field, for example <c>Not Found</c> or <c>assistant_pinned</c>.</param>
    /// <param name="operation">The operation, for example <c>POST /assistant</c>.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public VapiApiException(
        HttpStatusCode statusCode,
        IReadOnlyList<string> messages,
        string? errorCode = null,
        string? operation = null,
        Exception? innerException = null)
        : base(BuildMessage(statusCode, messages, errorCode, operation), errorCode, innerException)
    {
        StatusCode = statusCode;
        Messages = messages is null ? [] : Credentials.Internal.SecretRedactor.Redact(messages);
        Operation = operation;
    }

    /// <summary>Gets the HTTP status Vapi answered with, or <c>0</c> when no response was received (timeout, connection failure, open circuit).</summary>
    public override HttpStatusCode StatusCode { get; }

    /// <summary>Gets Vapi's messages: each validation message when Vapi sent an array, or the single message it sent.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>Gets the operation that failed, for example <c>PATCH /assistant/{id}</c>.</summary>
    public string? Operation { get; }

    /// <summary>Gets how long Vapi asked the client to wait (<c>Retry-After</c>), when it did.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Gets a value indicating whether the failure is worth trying again later: no response at all (timeout, connection
    /// failure, open circuit, the account's rate-limit pause), 408, 429, any 5xx, or a success whose body could not be
    /// read. 400, 401, 403, 404 and 409 are not, nor is a malformed API key (<see cref="VapiErrorCodes.InvalidCredential"/>).
    /// </summary>
    public override bool IsTransient => Internal.FailureClassifier.IsTransient(Internal.FailureClassifier.Classify(this));

    /// <summary>Gets a value indicating whether the request never got an answer from Vapi (timeout, connection failure, open circuit).</summary>
    public bool IsNoResponse => StatusCode == 0;

    private static string BuildMessage(HttpStatusCode statusCode, IReadOnlyList<string>? messages, string? errorCode, string? operation)
    {
        var what = operation is null ? "Vapi request" : $"Vapi {operation}";
        var status = statusCode == 0 ? "without a response" : $"with {(int)statusCode} {errorCode ?? statusCode.ToString()}";
        var detail = messages is { Count: > 0 } ? ": " + string.Join("; ", messages) : ".";
        return $"{what} failed {status}{detail}";
    }
}
