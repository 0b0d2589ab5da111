using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VapiSync.Client.PostgreSql.Internal;

namespace VapiSync.Client.PostgreSql.Tests;

/// <summary>The renewal loop on a fake clock and scripted lease rows: no database, no wall-clock waits.</summary>
public sealed class LeaseRenewalTests
{
    [Fact]
    public async Task RenewalHangs_LostFiresBeforeTheLeaseCouldExpire_NotWhenTheStatementGivesUp()
    {
        var time = new FakeTimeProvider();
        var rows = new HangingRows();
        var lease = new Lease(rows, "org", "agent", 7, TimeSpan.FromSeconds(30), time, NullLogger.Instance, () => { });
        var lost = new TaskCompletionSource();
        using var registration = lease.Lost.Register(() => lost.TrySetResult());

        // The first renewal starts a third into the lease (t0 + 10 s, stepped 1 s at a time because the loop arms its
        // timer on another thread) and never answers: a partition, no error, no reply.
        for (var step = 0; step < 600 && !rows.Started.Task.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(rows.Started.Task, Task.Delay(10));
        }

        await rows.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(lease.Lost.IsCancellationRequested);

        // Ten seconds later (at most t0 + 21 s, well inside the 30 s lease) the holder must know it may lose the agent.
        time.Advance(TimeSpan.FromSeconds(10));
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(lease.Lost.IsCancellationRequested);
        await lease.DisposeAsync();
        Assert.Equal(1, rows.Released);
    }

    private sealed class HangingRows : ILeaseRows
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Released { get; private set; }

        public async Task<bool> RenewAsync(Lease lease, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return true;
        }

        public Task ReleaseAsync(Lease lease)
        {
            Released++;
            return Task.CompletedTask;
        }

        public Task<bool> SetStateAndReleaseAsync(Lease lease, AssistantState state, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
