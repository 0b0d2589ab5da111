using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Tests.Credentials;

public sealed class CredentialFallbackOptionsTests
{
    [Fact]
    public void Defaults_NewAgentsOnlyAndNoOrganizationRequiringOwnKey()
    {
        var options = new VapiSyncOptions();

        Assert.Equal(CredentialFallback.NewAgentsOnly, options.CredentialFallback);
        Assert.Empty(options.OrganizationsRequiringOwnKey);
    }

    [Fact]
    public void Configuration_BindsPolicyAndOrganizationsRequiringOwnKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VapiSync:CredentialFallback"] = "Never",
            ["VapiSync:OrganizationsRequiringOwnKey:0"] = "acme",
            ["VapiSync:OrganizationsRequiringOwnKey:1"] = "globex",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddVapiSync(configuration.GetSection("VapiSync"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<VapiSyncOptions>>().Value;

        Assert.Equal(CredentialFallback.Never, options.CredentialFallback);
        Assert.Equal(["acme", "globex"], options.OrganizationsRequiringOwnKey.Order());
    }

    [Fact]
    public void Start_UndefinedPolicyOrEmptyOrganization_FailsNamingTheSetting()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddVapiSync(o =>
        {
            o.CredentialFallback = (CredentialFallback)42;
            o.OrganizationsRequiringOwnKey.Add(" ");
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<VapiSyncOptions>>().Value);

        Assert.Contains("VapiSync:CredentialFallback", ex.Message, StringComparison.Ordinal);
        Assert.Contains("VapiSync:OrganizationsRequiringOwnKey", ex.Message, StringComparison.Ordinal);
    }
}
