using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Tests.Credentials;

public sealed class CredentialByFingerprintTests
{
    [Fact]
    public async Task Chain_OrganizationKeyConfigured_PlatformKeyStillFoundByFingerprint()
    {
        using var harness = new SyncHarness(o => o.OrganizationApiKeys["org-1"] = "org-1-own-key");
        var chain = harness.Get<ChainedCredentialProvider>();

        var platform = await chain.GetCredentialByFingerprintAsync("org-1", VapiCredential.ComputeFingerprint(SyncHarness.PlatformKey));
        var own = await chain.GetCredentialByFingerprintAsync("org-1", VapiCredential.ComputeFingerprint("org-1-own-key"));
        var unknown = await chain.GetCredentialByFingerprintAsync("org-1", VapiCredential.ComputeFingerprint("some-other-key"));

        Assert.Equal(("platform-key-0123456789", "Options:PlatformApiKey"), (platform!.ApiKey, platform.Source));
        Assert.Equal("Options:OrganizationApiKeys", own!.Source);
        Assert.Null(unknown);
    }

    [Fact]
    public async Task Provider_DefaultImplementation_MatchesOnlyItsCurrentKey()
    {
        ICredentialProvider provider = new CurrentKeyOnly();

        Assert.NotNull(await provider.GetCredentialByFingerprintAsync("org-1", VapiCredential.ComputeFingerprint("current-key")));
        Assert.Null(await provider.GetCredentialByFingerprintAsync("org-1", VapiCredential.ComputeFingerprint("old-key")));
    }

    [Fact]
    public async Task Chain_ProviderFails_LoggedAsTypeAndScrubbedMessageAndNextProviderAsked()
    {
        const string Secret = "sk-quoted-by-the-vault-8086";
        var broken = Substitute.For<ICredentialProvider>();
        broken.GetCredentialByFingerprintAsync(default!, default!, default)
            .ThrowsAsyncForAnyArgs(new InvalidOperationException($"down, header was Bearer {Secret}", new IOException(Secret)));
        var logger = new FakeLogger<ChainedCredentialProvider>();
        var chain = new ChainedCredentialProvider([broken, new CurrentKeyOnly()], logger);

        var found = await chain.GetCredentialByFingerprintAsync("org-1", VapiCredential.ComputeFingerprint("current-key"));

        Assert.Equal("current", found!.Source);
        var record = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 2001);
        Assert.Null(record.Exception);
        Assert.Contains(typeof(InvalidOperationException).FullName!, record.Message, StringComparison.Ordinal);
        Assert.Contains("[REDACTED]", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_ProviderThrowsCredentialUnavailable_StopsTheChain()
    {
        var refusing = Substitute.For<ICredentialProvider>();
        refusing.GetCredentialAsync(default!, default).ThrowsAsyncForAnyArgs(new VapiCredentialUnavailableException("org-1", "rotating"));
        var chain = new ChainedCredentialProvider([refusing, new CurrentKeyOnly()]);

        await Assert.ThrowsAsync<VapiCredentialUnavailableException>(() => chain.GetCredentialAsync("org-1").AsTask());
    }

    private sealed class CurrentKeyOnly : ICredentialProvider
    {
        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<VapiCredential?>(new VapiCredential("current-key", "current"));
    }
}
