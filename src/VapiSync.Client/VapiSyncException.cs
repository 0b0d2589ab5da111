using System.Net;

namespace VapiSync.Client;

/// <summary>
/// The base of every exception the library throws on purpose (in the style of Azure's <c>RequestFailedException</c>):
/// one type to catch, with a stable <see cref="ErrorCode"/> to branch on, the HTTP status when Vapi answered, and
/// whether trying again later can succeed.
/// </summary>
/// <remarks>
/// Messages never carry an API key: every message (including text Vapi or a proxy sent back) is scrubbed of the keys the
/// library knows and of anything that looks like a credential (<c>Bearer …</c>, <c>api_key=…</c>).
/// </remarks>
public abstract class VapiSyncException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="VapiSyncException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    /// <param name="errorCode">A stable code, one of <see cref="VapiErrorCodes"/> or the <c>error</c> field Vapi sent.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    protected VapiSyncException(string message, string? errorCode, Exception? innerException = null)
        : base(Credentials.Internal.SecretRedactor.Redact(message), innerException)
    {
        ErrorCode = errorCode is null ? null : Credentials.Internal.SecretRedactor.Redact(errorCode);
    }

    /// <summary>Gets a stable code for the failure: one of <see cref="VapiErrorCodes"/>, or the <c>error</c> field Vapi sent (for example <c>assistant_pinned</c>).</summary>
    public string? ErrorCode { get; }

    /// <summary>Gets the HTTP status Vapi answered with, or <c>0</c> when Vapi did not answer or was never called.</summary>
    public virtual HttpStatusCode StatusCode => 0;

    /// <summary>Gets a value indicating whether the same call may succeed later without any change to its input.</summary>
    public abstract bool IsTransient { get; }
}
