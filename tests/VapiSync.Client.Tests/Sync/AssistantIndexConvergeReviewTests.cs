using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

/// <summary>Review of <see cref="AssistantIndex.ConvergeAsync"/>'s tail listings (issue #10, point 4).</summary>
public sealed class AssistantIndexConvergeReviewTests
{
    private static readonly VapiCredential Credential = new("key-0123456789", "test");
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Converge_WallClockStepsBack_PacingWaitsAtMostThePacing()
    {
        // The system clock is wall time and can be stepped back (NTP, an operator). The pacing delay was computed as
        // pacing - (now - lastTailStart): with now an hour before the last tail, every create of the account waited an hour.
        var client = Substitute.For<IVapiClient>();
        var assistants = Enumerable.Range(0, AssistantIndex.PacingThreshold + 6)
            .Select(i => SyncHarness.Assistant($"00000000-0000-0000-0000-{i:D12}", $"org/k{i}", Created)).ToArray();
        client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>()).Returns(_ => SyncHarness.ToAsync(assistants));
        var clock = new SettableClock(Created.AddMinutes(1));
        var index = new AssistantIndex(AssistantGateway.For(client), new StaticOptions(), clock, NullLogger<AssistantIndex>.Instance);
        await index.FindAsync(Credential, "org/none", refresh: false, CancellationToken.None);
        await index.ConvergeAsync(Credential, "org/k0", Created, TimeSpan.FromMilliseconds(250), CancellationToken.None);

        clock.Now = clock.Now.AddHours(-1);
        index.CreateStarted(Credential); // another create of the account is in flight: pacing applies
        var converge = index.ConvergeAsync(Credential, "org/k1", Created, TimeSpan.FromMilliseconds(250), CancellationToken.None).AsTask();

        var answer = await converge.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Single(answer);
        index.CreateEnded(Credential);
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class StaticOptions : IOptionsMonitor<VapiSyncOptions>
    {
        public VapiSyncOptions CurrentValue { get; } = new();

        public VapiSyncOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<VapiSyncOptions, string?> listener) => null;
    }
}
