using Microsoft.Extensions.Options;
using NSubstitute;
using VapiSync.Client.Credentials;
using VapiSync.Client.Credentials.Internal;

namespace VapiSync.Client.Tests.Credentials;

public sealed class CredentialPolicyTests
{
    private static readonly VapiCredential Platform = new("platform-key", "Options:PlatformApiKey");
    private static readonly VapiCredential Own = new("own-key", "Store");

    private static CredentialPolicy Policy(Action<VapiSyncOptions>? configure = null)
    {
        var options = new VapiSyncOptions();
        configure?.Invoke(options);
        var monitor = Substitute.For<IOptionsMonitor<VapiSyncOptions>>();
        monitor.CurrentValue.Returns(options);
        return new CredentialPolicy(monitor);
    }

    private static CredentialResolution Answer(VapiCredential credential, bool providerFailed) =>
        new(credential, providerFailed ? ["Store (failed: InvalidOperationException)"] : [], providerFailed ? 1 : 0, IsPlatformKey: credential == Platform);

    // policy, provider failed, agent has assistant, recorded account ("platform", "own", null), expected: null = allowed, else exception type
    public static TheoryData<CredentialFallback, bool, bool, string?, Type?> Table => new()
    {
        { CredentialFallback.NewAgentsOnly, false, true, "own", null },            // no failure: any answer is the organization's current key
        { CredentialFallback.NewAgentsOnly, true, false, null, null },             // new agent during an outage: falls back
        { CredentialFallback.NewAgentsOnly, true, true, "platform", null },        // already in the fallback's account: no split
        { CredentialFallback.NewAgentsOnly, true, true, "own", typeof(VapiCredentialUnavailableException) },
        { CredentialFallback.NewAgentsOnly, true, true, null, typeof(VapiCredentialUnavailableException) }, // account unknown: never guess
        { CredentialFallback.Always, true, true, "own", null },
        { CredentialFallback.Never, true, false, null, typeof(VapiCredentialUnavailableException) },
        { CredentialFallback.Never, false, false, null, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Select_PlatformAnswer_FollowsPolicyTable(CredentialFallback fallback, bool providerFailed, bool hasAssistant, string? recorded, Type? expected)
    {
        var policy = Policy(o => o.CredentialFallback = fallback);
        var recordedAccount = recorded switch { "platform" => Platform.Fingerprint, "own" => Own.Fingerprint, _ => null };

        var ex = Record.Exception(() => policy.Select("org-1", Answer(Platform, providerFailed), hasAssistant, recordedAccount));

        Assert.Equal(expected, ex?.GetType());
        if (ex is VapiCredentialUnavailableException unavailable)
        {
            Assert.True(unavailable.IsTransient);
            Assert.Equal(VapiErrorCodes.CredentialUnavailable, unavailable.ErrorCode);
            Assert.DoesNotContain("platform-key", unavailable.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Select_OwnKeyRequiredInOptions_PlatformAnswerRefused()
    {
        var policy = Policy(o => o.OrganizationsRequiringOwnKey.Add("org-1"));

        var notFound = Assert.Throws<VapiCredentialNotFoundException>(() => policy.Select("org-1", Answer(Platform, providerFailed: false), false, null));
        var unavailable = Assert.Throws<VapiCredentialUnavailableException>(() => policy.Select("org-1", Answer(Platform, providerFailed: true), false, null));
        var other = policy.Select("org-2", Answer(Platform, providerFailed: false), false, null);

        Assert.Contains(notFound.Attempts, a => a.Contains("requires its own key", StringComparison.Ordinal));
        Assert.True(unavailable.IsTransient);
        Assert.Same(Platform, other);
    }

    [Fact]
    public void Select_ProviderMarkedOwnKeyRequired_RememberedUntilItSaysOtherwise()
    {
        var policy = Policy(o => o.CredentialFallback = CredentialFallback.Always);
        var marked = Own with { OwnKeyRequired = true };

        policy.Select("org-1", Answer(marked, false), false, null);
        var whileMarked = Record.Exception(() => policy.Select("org-1", Answer(Platform, providerFailed: true), false, null));
        policy.Select("org-1", Answer(Own, false), false, null);
        var afterLifted = policy.Select("org-1", Answer(Platform, providerFailed: true), false, null);

        Assert.IsType<VapiCredentialUnavailableException>(whileMarked);
        Assert.Same(Platform, afterLifted);
    }

    [Fact]
    public void Select_NoCredential_NotFoundListingAttempts()
    {
        var policy = Policy();

        var ex = Assert.Throws<VapiCredentialNotFoundException>(() => policy.Select("org-1", new CredentialResolution(null, ["Store (no key)"], 0, false), false, null));

        Assert.Equal(["Store (no key)"], ex.Attempts);
    }
}
