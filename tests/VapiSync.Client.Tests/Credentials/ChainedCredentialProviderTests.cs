using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Tests.Credentials;

public sealed class ChainedCredentialProviderTests
{
    private static ICredentialProvider Returning(VapiCredential? credential)
    {
        var provider = Substitute.For<ICredentialProvider>();
        provider.GetCredentialAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromResult(credential));
        return provider;
    }

    private static ICredentialProvider Throwing(Exception exception)
    {
        var provider = Substitute.For<ICredentialProvider>();
        provider.GetCredentialAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Throws(exception);
        return provider;
    }

    [Fact]
    public async Task GetCredential_FirstProviderHasKey_LaterProvidersAreNotAsked()
    {
        var second = Returning(new VapiCredential("second-key", "second"));
        var chain = new ChainedCredentialProvider([Returning(new VapiCredential("first-key", "first")), second]);

        var credential = await chain.GetCredentialAsync("org-1");

        Assert.Equal("first", credential!.Source);
        await second.DidNotReceiveWithAnyArgs().GetCredentialAsync(default!, default);
    }

    [Fact]
    public async Task GetCredential_ProviderReturnsNull_FallsThroughToNext()
    {
        var chain = new ChainedCredentialProvider([Returning(null), Returning(new VapiCredential("platform-key", "platform"))]);

        var credential = await chain.GetCredentialAsync("org-1");

        Assert.Equal("platform", credential!.Source);
    }

    [Fact]
    public async Task GetCredential_ProviderThrows_LogsWarningWithProviderNameAndFallsThrough()
    {
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var broken = Throwing(new InvalidOperationException("Host=db;Password=hunter2 is down"));
        var chain = new ChainedCredentialProvider([broken, Returning(new VapiCredential("platform-key", "platform"))], factory.CreateLogger<ChainedCredentialProvider>());

        var credential = await chain.GetCredentialAsync("org-1");

        Assert.Equal("platform", credential!.Source);
        var warning = Assert.Single(logs.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal(2001, warning.Id.Id);
        Assert.Contains(broken.GetType().Name, warning.Message, StringComparison.Ordinal);
        Assert.Equal("org-1", warning.StructuredState!.Single(s => s.Key == "OrganizationId").Value);
    }

    [Fact]
    public async Task GetCredential_CallerCancels_CancellationIsNotSwallowed()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var cancelled = Throwing(new OperationCanceledException(cts.Token));
        var chain = new ChainedCredentialProvider([cancelled, Returning(new VapiCredential("platform-key", "platform"))]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chain.GetCredentialAsync("org-1", cts.Token).AsTask());
    }

    [Fact]
    public async Task GetRequiredCredential_NobodyHasKey_ThrowsNamingEveryProviderAndNoSecret()
    {
        var chain = new ChainedCredentialProvider([Returning(null), Throwing(new InvalidOperationException("Password=hunter2"))]);

        var ex = await Assert.ThrowsAsync<VapiCredentialNotFoundException>(() => chain.GetRequiredCredentialAsync("org-9").AsTask());

        Assert.Equal("org-9", ex.OrganizationId);
        Assert.Equal(2, ex.Attempts.Count);
        Assert.Contains("no key", ex.Attempts[0], StringComparison.Ordinal);
        Assert.Contains("failed: InvalidOperationException", ex.Attempts[1], StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullProvider_Throws() =>
        Assert.Throws<ArgumentException>(() => new ChainedCredentialProvider([null!]));
}
