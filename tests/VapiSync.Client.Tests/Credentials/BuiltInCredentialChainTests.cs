using NSubstitute;
using NSubstitute.ExceptionExtensions;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Tests.Credentials;

public sealed class BuiltInCredentialChainTests
{
    [Fact]
    public async Task Chain_HostProvidersFirstInRegistrationOrder_ThenOptionsThenEnvironment()
    {
        using var harness = new SyncHarness(build: b => b.AddCredentialProvider<FirstProvider>().AddCredentialProvider<SecondProvider>());

        var providers = harness.Get<ChainedCredentialProvider>().Providers;

        Assert.IsType<FirstProvider>(providers[0]);
        Assert.IsType<SecondProvider>(providers[1]);
        Assert.Equal(4, providers.Count);
        Assert.Equal("Options:PlatformApiKey", (await providers[2].GetCredentialAsync("org-1"))!.Source);
    }

    [Fact]
    public async Task Options_OrganizationKey_WinsOverPlatformKey()
    {
        using var harness = new SyncHarness(o => o.OrganizationApiKeys["org-1"] = "org-1-own-key");
        var chain = harness.Get<ChainedCredentialProvider>();

        var own = await chain.GetRequiredCredentialAsync("org-1");
        var other = await chain.GetRequiredCredentialAsync("org-2");

        Assert.Equal(("org-1-own-key", "Options:OrganizationApiKeys"), (own.ApiKey, own.Source));
        Assert.Equal(("platform-key-0123456789", "Options:PlatformApiKey"), (other.ApiKey, other.Source));
    }

    [Fact]
    public async Task Environment_ReadWhenAsked_NotCachedAtStartUp()
    {
        var variable = "VAPISYNC_TEST_" + Guid.NewGuid().ToString("N");
        using var harness = new SyncHarness(o =>
        {
            o.PlatformApiKey = null;
            o.ApiKeyEnvironmentVariable = variable;
        });
        var chain = harness.Get<ChainedCredentialProvider>();
        await Assert.ThrowsAsync<VapiCredentialNotFoundException>(() => chain.GetRequiredCredentialAsync("org-1").AsTask());

        Environment.SetEnvironmentVariable(variable, "env-key-value");
        try
        {
            var credential = await chain.GetRequiredCredentialAsync("org-1");

            Assert.Equal("env-key-value", credential.ApiKey);
            Assert.Equal("Environment:" + variable, credential.Source);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task HostStoreThrows_PlatformKeyIsUsed()
    {
        using var harness = new SyncHarness(build: b => b.AddCredentialProvider<BrokenStore>());

        var credential = await harness.Get<ChainedCredentialProvider>().GetRequiredCredentialAsync("org-1");

        Assert.Equal("Options:PlatformApiKey", credential.Source);
    }

    [Fact]
    public void Credential_ToString_NeverShowsTheKey()
    {
        var credential = new VapiCredential("sk-super-secret-value", "Options:PlatformApiKey");

        Assert.DoesNotContain("super-secret", credential.ToString(), StringComparison.Ordinal);
        Assert.Contains(credential.Fingerprint, credential.ToString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{8}$", credential.Fingerprint);
    }

    [Fact]
    public void Credential_EmptyKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new VapiCredential(" ", "source"));

    internal sealed class FirstProvider : ICredentialProvider
    {
        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) => default;
    }

    internal sealed class SecondProvider : ICredentialProvider
    {
        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) => default;
    }

    internal sealed class BrokenStore : ICredentialProvider
    {
        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) =>
            throw new TimeoutException("database down");
    }
}
