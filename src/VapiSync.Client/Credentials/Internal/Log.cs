using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>The credential chain's logs (event ids 2000–2099). Keys are never logged: at most a fingerprint (8 hex chars of their SHA-256).</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Debug, "Using the Vapi key from {CredentialSource} (fingerprint {KeyFingerprint}) for organization {OrganizationId} after {Skipped} provider(s) without one")]
    public static partial void CredentialResolved(ILogger logger, string organizationId, string credentialSource, string keyFingerprint, int skipped);

    [LoggerMessage(2001, LogLevel.Warning, "Credential provider {CredentialProvider} failed for organization {OrganizationId} ({ExceptionType}: {ExceptionMessage}); trying the next one")]
    public static partial void CredentialProviderFailed(ILogger logger, string credentialProvider, string organizationId, string exceptionType, string exceptionMessage);
}
