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

    [Fact]
    public async Task Converge_TailStartedBeforeAnExpiryListingMergesAfterIt_ForeignAssistantStaysKnown()
    {
        // A tail and a full listing that the index lifetime's expiry started later, with no change in between (same
        // sequence number). The full listing merges first and shows G, created by another instance after the tail read
        // the account; the tail then merged on top and erased G from the map, while the map's complete part had already
        // moved past G: no later lookup or tail would see G again, so the next save of G's agent made a second assistant.
        var client = Substitute.For<IVapiClient>();
        var w = SyncHarness.Assistant("00000000-0000-0000-0000-00000000000a", "org/w", Created);
        var j = SyncHarness.Assistant("00000000-0000-0000-0000-00000000000b", "org/j", Created.AddSeconds(10));
        var g = SyncHarness.Assistant("00000000-0000-0000-0000-00000000000c", "org/g", Created.AddSeconds(20));
        var h = SyncHarness.Assistant("00000000-0000-0000-0000-00000000000d", "org/h", Created.AddSeconds(40));
        var tailRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseTail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>()).Returns(_ => Interlocked.Increment(ref calls) switch
        {
            1 => SyncHarness.ToAsync([w]),
            2 => Held([w, j], tailRead, releaseTail.Task),
            _ => SyncHarness.ToAsync([w, j, g, h]),
        });
        var clock = new SettableClock(Created.AddMinutes(1));
        var index = new AssistantIndex(AssistantGateway.For(client), new StaticOptions(), clock, NullLogger<AssistantIndex>.Instance);
        await index.FindAsync(Credential, "org/none", refresh: false, CancellationToken.None);

        index.Record(Credential, "org/j", j.Id, j.CreatedAt);
        var converge = index.ConvergeAsync(Credential, "org/j", j.CreatedAt, TimeSpan.FromMilliseconds(250), CancellationToken.None).AsTask();
        await tailRead.Task.WaitAsync(TimeSpan.FromSeconds(20));
        clock.Now = clock.Now.AddMinutes(11); // past AssistantIndexLifetime: the next lookup lists the account again
        Assert.Equal(g.Id, await index.FindAsync(Credential, "org/g", refresh: false, CancellationToken.None));
        releaseTail.SetResult();
        await converge.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(g.Id, await index.FindAsync(Credential, "org/g", refresh: false, CancellationToken.None));
    }

    private static async IAsyncEnumerable<VapiAssistant> Held(VapiAssistant[] items, TaskCompletionSource read, Task release)
    {
        await Task.Yield();
        read.TrySetResult();
        await release;
        foreach (var item in items)
        {
            yield return item;
        }
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
