namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>
/// Natural batching (group commit) of one kind of per-agent statement: a request that arrives while no batch of its
/// kind is running is sent at once, alone — no added latency at low load; requests that arrive while one runs wait
/// and go together in the next, as one multi-row statement. So 32 syncs in flight cost a few round trips and WAL
/// flushes instead of 32, and the batches grow by themselves when the database is slower.
/// </summary>
/// <remarks>
/// Every request gets its own result. A request cancelled before its batch is sent leaves the queue; once sent, it
/// waits for the statement (whose own duration the executor bounds), because the others share it and a take that
/// commits must be known to be given back. A failure of the statement fails every request of that batch with the
/// same exception. Two requests with the same key never share a batch (a multi-row upsert cannot touch a row twice);
/// a request that <c>canShare</c> refuses (a key PostgreSQL cannot store, which fails its statement) goes alone,
/// so it cannot fail the others.
/// </remarks>
/// <typeparam name="TItem">A request.</typeparam>
/// <typeparam name="TResult">Its result.</typeparam>
internal sealed class StatementBatcher<TItem, TResult>
    where TItem : notnull
{
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _execute;
    private readonly Func<TItem, (string, string)> _key;
    private readonly Func<TItem, bool> _canShare;
    private readonly int _maxBatch;
    private readonly LinkedList<Request> _pending = [];
    private bool _running;
    private long _statements;

    /// <param name="execute">Runs one batch; returns one result per item, in the items' order.</param>
    /// <param name="key">The agent of a request.</param>
    /// <param name="canShare">Whether a request may share a statement with others.</param>
    /// <param name="maxBatch">The most requests in one statement.</param>
    public StatementBatcher(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> execute, Func<TItem, (string, string)> key, Func<TItem, bool> canShare, int maxBatch)
    {
        _execute = execute;
        _key = key;
        _canShare = canShare;
        _maxBatch = maxBatch;
    }

    /// <summary>Gets the number of statements run so far (for tests and measurements).</summary>
    public long Statements => Interlocked.Read(ref _statements);

    /// <summary>Gets the number of requests waiting for the next batch (for tests).</summary>
    public int Pending
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="item"/> for the next batch and returns its result.</summary>
    public async Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var request = new Request(item);
        bool start;
        lock (_pending)
        {
            request.Node = _pending.AddLast(request);
            start = !_running;
            _running = true;
        }

        if (start)
        {
            // The loop serves every caller: it must not run in the first one's execution context (its ambient
            // transaction, activity and async-locals would carry over to the others' statements).
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync, CancellationToken.None);
            }
        }

        using (cancellationToken.Register(() => Abandon(request, cancellationToken)))
        {
            return await request.Result.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Drops a request that was not sent yet; a sent one runs to its result.</summary>
    private void Abandon(Request request, CancellationToken cancellationToken)
    {
        lock (_pending)
        {
            if (request.Node is null)
            {
                return;
            }

            _pending.Remove(request.Node);
            request.Node = null;
        }

        request.Result.TrySetCanceled(cancellationToken);
    }

    /// <summary>One loop per kind: sends everything queued, then whatever queued meanwhile, until nothing is left.</summary>
    private async Task DrainAsync()
    {
        await Task.Yield(); // the first caller returns to await its result; requests arriving meanwhile join its batch
        while (TakeBatch() is { Count: > 0 } batch)
        {
            Interlocked.Increment(ref _statements);
            try
            {
                var results = await _execute([.. batch.Select(r => r.Item)]).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var request in batch)
                {
                    request.Result.TrySetException(ex);
                }
            }
        }
    }

    private List<Request> TakeBatch()
    {
        var batch = new List<Request>();
        var keys = new HashSet<(string, string)>();
        lock (_pending)
        {
            for (var node = _pending.First; node is not null && batch.Count < _maxBatch;)
            {
                var next = node.Next;
                var request = node.Value;
                var alone = !_canShare(request.Item);
                if (alone && batch.Count > 0)
                {
                    break;
                }

                if (keys.Add(_key(request.Item)))
                {
                    _pending.Remove(node);
                    request.Node = null;
                    batch.Add(request);
                    if (alone)
                    {
                        break;
                    }
                }

                node = next;
            }

            if (batch.Count == 0)
            {
                _running = false;
            }
        }

        return batch;
    }

    private sealed class Request(TItem item)
    {
        public TItem Item { get; } = item;

        public TaskCompletionSource<TResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Its place in the queue; <see langword="null"/> once sent or abandoned (guarded by the queue's lock).</summary>
        public LinkedListNode<Request>? Node { get; set; }
    }
}
