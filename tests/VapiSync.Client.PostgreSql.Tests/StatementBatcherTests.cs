using VapiSync.Client.PostgreSql.Internal;

namespace VapiSync.Client.PostgreSql.Tests;

/// <summary>The natural batching of lease takes and writes, without a database: each statement is held open by the test.</summary>
public sealed class StatementBatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Arrivals_WhileABatchRuns_GoTogetherInTheNext_EachGetsItsOwnResult()
    {
        var statements = new Statements();
        var batcher = statements.Batcher();

        var first = batcher.RunAsync("a", CancellationToken.None);
        var held = await statements.NextAsync();
        var queued = new[] { "b", "c", "d" }.Select(k => batcher.RunAsync(k, CancellationToken.None)).ToArray();
        held.Release.SetResult();

        Assert.Equal("a!", await first.WaitAsync(Timeout));
        var next = await statements.NextAsync();
        Assert.Equal(["b", "c", "d"], next.Items);
        next.Release.SetResult();
        Assert.Equal(["b!", "c!", "d!"], await Task.WhenAll(queued).WaitAsync(Timeout));
        Assert.Equal(2, batcher.Statements);
    }

    [Fact]
    public async Task SameKeyTwice_NeverInOneStatement_TheSecondGoesInTheNext()
    {
        var statements = new Statements();
        var batcher = statements.Batcher();

        var first = batcher.RunAsync("x", CancellationToken.None);
        var held = await statements.NextAsync();
        var queued = new[] { "a", "a", "b" }.Select(k => batcher.RunAsync(k, CancellationToken.None)).ToArray();
        held.Release.SetResult();

        var second = await statements.NextAsync();
        Assert.Equal(["a", "b"], second.Items);
        second.Release.SetResult();
        var third = await statements.NextAsync();
        Assert.Equal(["a"], third.Items);
        third.Release.SetResult();
        Assert.Equal(["a!", "a!", "b!"], await Task.WhenAll(queued).WaitAsync(Timeout));
        await first.WaitAsync(Timeout);
    }

    [Fact]
    public async Task ARequestThatCannotShare_GoesAlone_SoItsFailureFailsNoOther()
    {
        var statements = new Statements();
        var batcher = statements.Batcher(canShare: k => !k.Contains('\0', StringComparison.Ordinal));

        var first = batcher.RunAsync("x", CancellationToken.None);
        var held = await statements.NextAsync();
        var queued = new[] { "a", "bad\0", "b" }.Select(k => batcher.RunAsync(k, CancellationToken.None)).ToArray();
        held.Release.SetResult();

        var batches = new List<string[]>();
        for (var i = 0; i < 3; i++)
        {
            var statement = await statements.NextAsync();
            batches.Add(statement.Items);
            if (statement.Items.Contains("bad\0"))
            {
                statement.Release.SetException(new InvalidOperationException("22021"));
            }
            else
            {
                statement.Release.SetResult();
            }
        }

        Assert.Equal([["a"], ["bad\0"], ["b"]], batches);
        Assert.Equal("a!", await queued[0].WaitAsync(Timeout));
        await Assert.ThrowsAsync<InvalidOperationException>(() => queued[1].WaitAsync(Timeout));
        Assert.Equal("b!", await queued[2].WaitAsync(Timeout));
        await first.WaitAsync(Timeout);
    }

    [Fact]
    public async Task CancelledBeforeItsBatchIsSent_LeavesTheQueue_OthersUnaffected()
    {
        var statements = new Statements();
        var batcher = statements.Batcher();
        using var cancel = new CancellationTokenSource();

        var first = batcher.RunAsync("x", CancellationToken.None);
        var held = await statements.NextAsync();
        var cancelled = batcher.RunAsync("a", cancel.Token);
        var kept = batcher.RunAsync("b", CancellationToken.None);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeout));
        held.Release.SetResult();
        var next = await statements.NextAsync();
        Assert.Equal(["b"], next.Items); // never sent
        next.Release.SetResult();
        Assert.Equal("b!", await kept.WaitAsync(Timeout));
        await first.WaitAsync(Timeout);
    }

    [Fact]
    public async Task CancelledAfterItsBatchIsSent_WaitsForItsResult()
    {
        var statements = new Statements();
        var batcher = statements.Batcher();
        using var cancel = new CancellationTokenSource();

        var sent = batcher.RunAsync("a", cancel.Token);
        var held = await statements.NextAsync();
        await cancel.CancelAsync();

        // The statement may commit (a take the caller must give back): the caller learns its outcome.
        Assert.False(sent.IsCompleted);
        held.Release.SetResult();
        Assert.Equal("a!", await sent.WaitAsync(Timeout));
    }

    [Fact]
    public async Task StatementFails_EveryRequestOfThatBatchFailsWithItsException_TheNextBatchRuns()
    {
        var statements = new Statements();
        var batcher = statements.Batcher();

        var first = batcher.RunAsync("x", CancellationToken.None);
        var held = await statements.NextAsync();
        var failing = new[] { "a", "b", "c" }.Select(k => batcher.RunAsync(k, CancellationToken.None)).ToArray();
        held.Release.SetResult();
        var doomed = await statements.NextAsync();
        var later = batcher.RunAsync("d", CancellationToken.None);
        var failure = new VapiStateStoreException("down", new InvalidOperationException());
        doomed.Release.SetException(failure);

        foreach (var request in failing)
        {
            Assert.Same(failure, await Assert.ThrowsAsync<VapiStateStoreException>(() => request.WaitAsync(Timeout)));
        }

        var next = await statements.NextAsync();
        Assert.Equal(["d"], next.Items);
        next.Release.SetResult();
        Assert.Equal("d!", await later.WaitAsync(Timeout));
        await first.WaitAsync(Timeout);
    }

    /// <summary>Each statement reports its items and waits until the test releases (or fails) it.</summary>
    private sealed class Statements
    {
        public System.Threading.Channels.Channel<Statement> Started { get; } = System.Threading.Channels.Channel.CreateUnbounded<Statement>();

        /// <summary>The next statement the batcher started.</summary>
        public Task<Statement> NextAsync() => Started.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

        public StatementBatcher<string, string> Batcher(Func<string, bool>? canShare = null) =>
            new(ExecuteAsync, k => ("org", k), canShare ?? (_ => true), maxBatch: 64);

        private async Task<IReadOnlyList<string>> ExecuteAsync(IReadOnlyList<string> items)
        {
            var statement = new Statement([.. items]);
            await Started.Writer.WriteAsync(statement);
            await statement.Release.Task;
            return [.. items.Select(i => i + "!")];
        }
    }

    private sealed record Statement(string[] Items)
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
