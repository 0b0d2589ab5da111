namespace VapiSync.Client.Credentials.Internal;

/// <summary>A built-in provider that can hand out the platform's key: a fallback, never an organization's own account.</summary>
internal interface IPlatformKeySource
{
    bool IsPlatformKey(VapiCredential credential);
}
