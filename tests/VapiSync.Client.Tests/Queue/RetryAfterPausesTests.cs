using Microsoft.Extensions.Time.Testing;
using VapiSync.Client.Resilience.Internal;

namespace VapiSync.Client.Tests.Queue;

/// <summary>The accounts' <c>Retry-After</c> pauses the drainer reads before each item: they end, and do not pile up.</summary>
public sealed class RetryAfterPausesTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void PauseThatEnded_IsDropped_SoNoAccountCountsAsPausedAnyMore()
    {
        var pauses = new RetryAfterPauses(_time);
        Assert.False(pauses.AnyPaused());
        pauses.Pause("fp-a", TimeSpan.FromSeconds(5));

        Assert.True(pauses.AnyPaused());
        Assert.Equal(TimeSpan.FromSeconds(5), pauses.Remaining("fp-a"));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(pauses.AnyPaused());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pauses.AnyPaused()); // without anyone reading fp-a's pause again
        Assert.Equal(0, pauses.Count);
        Assert.Equal(TimeSpan.Zero, pauses.Remaining("fp-a"));
    }

    [Fact]
    public void LongerPauseOfAnotherAccount_KeepsItsEntry_TheEndedOnesGoWhenItEnds()
    {
        var pauses = new RetryAfterPauses(_time);
        pauses.Pause("fp-short", TimeSpan.FromSeconds(1));
        pauses.Pause("fp-long", TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(pauses.AnyPaused());
        Assert.Equal(TimeSpan.Zero, pauses.Remaining("fp-short"));
        Assert.Equal(TimeSpan.FromSeconds(28), pauses.Remaining("fp-long"));

        _time.Advance(TimeSpan.FromSeconds(28));
        Assert.False(pauses.AnyPaused());
        Assert.Equal(0, pauses.Count);
    }

    [Fact]
    public void ManyAccountsPausedOnce_DoNotPileUp_WhilePausesKeepComing()
    {
        var pauses = new RetryAfterPauses(_time);
        for (var i = 0; i < 1000; i++)
        {
            pauses.Pause($"fp-{i}", TimeSpan.FromSeconds(1));
        }

        Assert.Equal(1000, pauses.Count);

        // Other accounts keep being paused, so the map is never empty; the old entries still go within MaxPause.
        for (var second = 0; second <= RetryAfterPauses.MaxPause.TotalSeconds; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            pauses.Pause($"busy-{second}", TimeSpan.FromMinutes(5)); // capped at MaxPause
        }

        Assert.True(pauses.Count <= RetryAfterPauses.MaxPause.TotalSeconds + 2, $"{pauses.Count} entries kept");
        Assert.All(Enumerable.Range(0, 1000), i => Assert.Equal(TimeSpan.Zero, pauses.Remaining($"fp-{i}")));
        Assert.True(pauses.AnyPaused());
    }
}
