namespace VapiSync.Client.Credentials.Internal;

/// <summary>A built-in provider whose name in diagnostics says more than its type name.</summary>
internal interface INamedCredentialProvider
{
    string Name { get; }
}
