using System.Net;
using Microsoft.Extensions.Options;

namespace VapiSync.Client.DependencyInjection.Internal;

/// <summary>The data-annotation rules of <see cref="VapiSyncOptions"/>, source-generated (no reflection).</summary>
[OptionsValidator]
internal sealed partial class VapiSyncOptionsAnnotationsValidator : IValidateOptions<VapiSyncOptions>;

/// <summary>Rules that span fields or need more than an attribute; run at start-up with <c>ValidateOnStart</c>.</summary>
internal sealed class VapiSyncOptionsValidator : IValidateOptions<VapiSyncOptions>
{
    public ValidateOptionsResult Validate(string? name, VapiSyncOptions options)
    {
        var failures = new List<string>();
        ValidateBaseUrl(options.BaseUrl, failures);

        if (options.DefaultVoice is null || string.IsNullOrWhiteSpace(options.DefaultVoice.Provider) || string.IsNullOrWhiteSpace(options.DefaultVoice.VoiceId))
        {
            failures.Add("VapiSync:DefaultVoice needs a Provider and a VoiceId (for example azure / en-US-JennyNeural).");
        }

        for (var i = 0; i < options.VoiceRules.Count; i++)
        {
            var rule = options.VoiceRules[i];
            if (rule is null || string.IsNullOrWhiteSpace(rule.Provider) || string.IsNullOrWhiteSpace(rule.Reason))
            {
                failures.Add($"VapiSync:VoiceRules:{i} needs a Provider ('*' for any) and a Reason.");
            }
            else if (rule.Replacement is { } replacement && (string.IsNullOrWhiteSpace(replacement.Provider) || string.IsNullOrWhiteSpace(replacement.VoiceId)))
            {
                failures.Add($"VapiSync:VoiceRules:{i}:Replacement needs a Provider and a VoiceId, or no Replacement at all (then DefaultVoice is used).");
            }
        }

        foreach (var (organization, key) in options.OrganizationApiKeys)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                failures.Add($"VapiSync:OrganizationApiKeys:{organization} is empty.");
            }
        }

        ValidateCredentialPolicy(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateCredentialPolicy(VapiSyncOptions options, List<string> failures)
    {
        if (!Enum.IsDefined(options.CredentialFallback))
        {
            failures.Add($"VapiSync:CredentialFallback must be NewAgentsOnly, Always or Never; got '{options.CredentialFallback}'.");
        }

        if (options.OrganizationsRequiringOwnKey.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add("VapiSync:OrganizationsRequiringOwnKey contains an empty organization id.");
        }
    }

    private static void ValidateBaseUrl(Uri? baseUrl, List<string> failures)
    {
        if (baseUrl is null || !baseUrl.IsAbsoluteUri || (baseUrl.Scheme != Uri.UriSchemeHttps && baseUrl.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"VapiSync:BaseUrl must be an absolute http(s) URL; got '{baseUrl}'.");
            return;
        }

        // API keys travel in a header: plain HTTP is allowed only where nothing leaves the machine.
        if (baseUrl.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseUrl))
        {
            failures.Add($"VapiSync:BaseUrl must use https (API keys are sent with every request); http is allowed only for loopback addresses. Got '{baseUrl}'.");
        }

        if (!string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment))
        {
            failures.Add($"VapiSync:BaseUrl must not have a query or fragment; got '{baseUrl}'.");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
