using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

public sealed class AssistantIndexTests
{
    private static readonly VapiCredential Credential = new("key-0123456789", "test");
    private readonly IVapiClient _client = Substitute.For<IVapiClient>();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _listing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly AssistantIndex _index;
    private int _lists;

    public AssistantIndexTests()
    {
        _client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>()).Returns(_ => Gated());
        _index = new AssistantIndex(AssistantGateway.For(_client), new StaticOptions(), new FakeTimeProvider(), NullLogger<AssistantIndex>.Instance);
    }

    [Fact]
    public async Task Find_CreateRecordedWhileListingRuns_IsKeptAfterTheListing()
    {
        var find = _index.FindAsync(Credential, "org/a", refresh: false, CancellationToken.None);
        await _listing.Task;

        _index.Record(Credential, "org/b", "11111111-1111-1111-1111-111111111111", DateTimeOffset.UnixEpoch);
        _release.SetResult();
        Assert.Null(await find);

        Assert.Equal("11111111-1111-1111-1111-111111111111", await _index.FindAsync(Credential, "org/b", refresh: false, CancellationToken.None));
        Assert.Equal(1, _lists);
    }

    [Fact]
    public async Task Find_UncertainMarkMadeWhileListingRuns_SurvivesItAndListsAgain()
    {
        var find = _index.FindAsync(Credential, "org/a", refresh: false, CancellationToken.None);
        await _listing.Task;

        _index.MarkUncertain(Credential, "org/b");
        _release.SetResult();
        await find;
        await _index.FindAsync(Credential, "org/b", refresh: false, CancellationToken.None);

        Assert.Equal(2, _lists);
    }

    [Fact]
    public async Task Find_ForgetWhileListingRuns_IsAppliedOnTopOfTheListing()
    {
        const string id = "22222222-2222-2222-2222-222222222222";
        _client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>())
            .Returns(_ => Gated(SyncHarness.Assistant(id, "org/a")));
        var find = _index.FindAsync(Credential, "org/x", refresh: false, CancellationToken.None);
        await _listing.Task;

        _index.Forget(Credential, "org/a", id);
        _release.SetResult();
        await find;

        Assert.Null(await _index.FindAsync(Credential, "org/a", refresh: false, CancellationToken.None));
    }

    private async IAsyncEnumerable<VapiAssistant> Gated(params VapiAssistant[] items)
    {
        Interlocked.Increment(ref _lists);
        _listing.TrySetResult();
        if (_lists == 1)
        {
            await _release.Task;
        }

        foreach (var item in items)
        {
            yield return item;
        }
    }

    private sealed class StaticOptions : IOptionsMonitor<VapiSyncOptions>
    {
        public VapiSyncOptions CurrentValue { get; } = new();

        public VapiSyncOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<VapiSyncOptions, string?> listener) => null;
    }
}
