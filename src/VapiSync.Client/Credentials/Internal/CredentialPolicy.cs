using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>
/// Decides whether the key the chain found may be used for one agent, given the account its assistant is recorded in.
/// A failing key store is not a change of account: the answer of a later provider is accepted after a failure only as
/// <see cref="VapiSyncOptions.CredentialFallback"/> allows, and never for an organization that requires its own key.
/// </summary>
internal sealed class CredentialPolicy(IOptionsMonitor<VapiSyncOptions> options)
{
    private const int MaxRemembered = 100_000;

    // Organizations a provider marked OwnKeyRequired: remembered so the mark still holds while that provider is down.
    private readonly ConcurrentDictionary<string, bool> _ownKeyRequired = new(StringComparer.Ordinal);

    /// <summary>Returns the key to use, or throws when using it could put the agent's assistant in the wrong account.</summary>
    /// <param name="organizationId">The organization.</param>
    /// <param name="resolution">What the chain found.</param>
    /// <param name="agentHasAssistant">Whether the library knows an assistant of the agent (state, or the host's known id).</param>
    /// <param name="recordedAccount">The fingerprint of the account the assistant is recorded in; <see langword="null"/> when unknown.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="VapiCredentialNotFoundException">No usable key, and no provider failed.</exception>
    /// <exception cref="VapiCredentialUnavailableException">A provider failed and falling back is not allowed here.</exception>
    public VapiCredential Select(string organizationId, CredentialResolution resolution, bool agentHasAssistant, string? recordedAccount)
    {
        var current = options.CurrentValue;
        if (resolution.Credential is not { } credential)
        {
            throw new VapiCredentialNotFoundException(organizationId, resolution.Attempts);
        }

        if (!resolution.IsPlatformKey)
        {
            Remember(organizationId, credential.OwnKeyRequired);
        }

        if (resolution.IsPlatformKey && RequiresOwnKey(organizationId, current))
        {
            var attempts = resolution.Attempts.Append($"{credential.Source} (not used: organization '{organizationId}' requires its own key)").ToList();
            throw resolution.ProviderFailed
                ? Unavailable(organizationId, resolution, recordedAccount, $"organization '{organizationId}' requires its own Vapi key and its provider failed")
                : new VapiCredentialNotFoundException(organizationId, attempts);
        }

        if (!resolution.ProviderFailed || current.CredentialFallback == CredentialFallback.Always)
        {
            return credential;
        }

        if (current.CredentialFallback == CredentialFallback.NewAgentsOnly
            && (!agentHasAssistant || string.Equals(recordedAccount, credential.Fingerprint, StringComparison.Ordinal)))
        {
            return credential;
        }

        var why = current.CredentialFallback == CredentialFallback.Never
            ? "a credential provider failed and VapiSync:CredentialFallback is Never"
            : $"a credential provider failed and the agent's assistant lives in account {recordedAccount ?? "(not recorded)"}, not in the fallback key's account {credential.Fingerprint}";
        throw Unavailable(organizationId, resolution, recordedAccount, why);
    }

    /// <summary>Whether an organization must never use the platform key.</summary>
    public bool RequiresOwnKey(string organizationId, VapiSyncOptions current) =>
        current.OrganizationsRequiringOwnKey.Contains(organizationId) || _ownKeyRequired.ContainsKey(organizationId);

    private void Remember(string organizationId, bool ownKeyRequired)
    {
        // The latest answer of the organization's own provider wins, so a host can lift the requirement again.
        if (!ownKeyRequired)
        {
            _ownKeyRequired.TryRemove(organizationId, out _);
        }
        else if (_ownKeyRequired.Count < MaxRemembered)
        {
            _ownKeyRequired[organizationId] = true;
        }
    }

    private static VapiCredentialUnavailableException Unavailable(string organizationId, CredentialResolution resolution, string? recordedAccount, string why) =>
        new(organizationId, $"The Vapi key for organization '{organizationId}' is unavailable: {why}. Nothing was sent; try again when the provider is back. Tried: {string.Join("; ", resolution.Attempts)}.")
        {
            AccountFingerprint = recordedAccount,
            Attempts = resolution.Attempts,
        };
}
