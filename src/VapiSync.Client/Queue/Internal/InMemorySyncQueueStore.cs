namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// The default store: one entry per agent in a dictionary, every method one step under a lock. It lives and dies with
/// the process, so it smooths over Vapi outages but not restarts; use a durable store for that.
/// </summary>
internal sealed class InMemorySyncQueueStore : ISyncQueueStore
{
    private readonly Dictionary<(string Org, string Agent), Row> _rows = [];

    /// <summary>
    /// When each row may next be due, pushed on every change that sets a due time; stale pushes are skipped at claim.
    /// Claims cost O(k log n) instead of a scan of every row, which matters when thousands of saves wait.
    /// </summary>
    private readonly PriorityQueue<Row, DateTimeOffset> _due = new();
    private readonly object _gate = new();

    public ValueTask<SyncQueueEntry> EnqueueAsync(string organizationId, string agentKey, SyncQueueOperation operation, AssistantSyncRequest? request, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue((organizationId, agentKey), out var row))
            {
                row = new Row { Entry = NewEntry(organizationId, agentKey, operation, now) };
                _rows[(organizationId, agentKey)] = row;
            }

            row.Request = request;
            row.Entry = SyncQueueRules.Enqueue(row.Entry, operation, now, row.LeaseToken is not null && row.LeaseExpiresAt > now);
            Schedule(row);
            return ValueTask.FromResult(row.Entry);
        }
    }

    public ValueTask<IReadOnlyList<SyncQueueWorkItem>> ClaimAsync(int maxItems, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var claimed = new List<SyncQueueWorkItem>();
            while (claimed.Count < maxItems && _due.TryPeek(out var row, out var at) && at <= now)
            {
                _due.Dequeue();
                if (row.Removed || !SyncQueueRules.IsDue(row.Entry.State, row.Entry.NextAttemptAt, row.LeaseExpiresAt, now))
                {
                    continue;
                }

                row.LeaseToken = Guid.NewGuid();
                row.LeaseExpiresAt = now + leaseDuration;
                row.Entry = row.Entry with { State = SyncQueueState.Processing, NextAttemptAt = null, UpdatedAt = now };
                _due.Enqueue(row, row.LeaseExpiresAt); // returns when this claimer dies
                claimed.Add(WorkItem(row));
            }

            return ValueTask.FromResult<IReadOnlyList<SyncQueueWorkItem>>(claimed);
        }
    }

    public ValueTask<SyncQueueWorkItem?> RenewAsync(SyncQueueWorkItem item, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            if (!_rows.TryGetValue((item.OrganizationId, item.AgentKey), out var row) || row.LeaseToken != item.LeaseToken || row.Entry.State != SyncQueueState.Processing)
            {
                return ValueTask.FromResult<SyncQueueWorkItem?>(null);
            }

            row.LeaseExpiresAt = now + leaseDuration;
            _due.Enqueue(row, row.LeaseExpiresAt); // the older push is skipped at claim: the lease it names has not expired
            return ValueTask.FromResult<SyncQueueWorkItem?>(WorkItem(row));
        }
    }

    public ValueTask<SyncQueueEntry?> CompleteAsync(SyncQueueWorkItem item, string? assistantId, SyncOutcome? outcome, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Settle(item, entry => SyncQueueRules.Complete(entry, item.Version, assistantId, outcome, now));

    public ValueTask<SyncQueueEntry?> FailAsync(SyncQueueWorkItem item, SyncQueueError error, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Settle(item, entry => SyncQueueRules.Fail(entry, item.Version, error, retryAt, now));

    public ValueTask<SyncQueueEntry?> ParkAsync(SyncQueueWorkItem item, SyncQueueError error, string reason, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Settle(item, entry => SyncQueueRules.Park(entry, item.Version, error, reason, now));

    public ValueTask<SyncQueueEntry?> ReleaseAsync(SyncQueueWorkItem item, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Settle(item, entry => SyncQueueRules.Release(entry, item.Version, retryAt, now));

    public ValueTask<SyncQueueEntry?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_rows.TryGetValue((organizationId, agentKey), out var row) ? row.Entry : null);
        }
    }

    public ValueTask<SyncQueuePage> ListAsync(SyncQueueQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var after = ContinuationToken.Parse(query.ContinuationToken);
        lock (_gate)
        {
            var page = _rows.Values
                .Select(r => r.Entry)
                .Where(e => (query.State is null || e.State == query.State) && (query.OrganizationId is null || e.OrganizationId == query.OrganizationId))
                .Where(e => after is not { } a || ContinuationToken.Compare(e.OrganizationId, e.AgentKey, a) > 0)
                .OrderBy(e => e.OrganizationId, StringComparer.Ordinal)
                .ThenBy(e => e.AgentKey, StringComparer.Ordinal)
                .Take(query.PageSize + 1)
                .ToList();
            return ValueTask.FromResult(ContinuationToken.ToPage(page, query.PageSize));
        }
    }

    public ValueTask<bool> RetryAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue((organizationId, agentKey), out var row) || row.Entry.State is not (SyncQueueState.Parked or SyncQueueState.Failing))
            {
                return ValueTask.FromResult(false);
            }

            row.Entry = SyncQueueRules.Retry(row.Entry, now);
            Schedule(row);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> DiscardAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue((organizationId, agentKey), out var row) || (row.Entry.State == SyncQueueState.Processing && row.LeaseExpiresAt > now))
            {
                return ValueTask.FromResult(false);
            }

            row.Removed = true;
            return ValueTask.FromResult(_rows.Remove((organizationId, agentKey)));
        }
    }

    public ValueTask<SyncQueueStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entries = _rows.Values.Select(r => r.Entry).ToList();
            return ValueTask.FromResult(new SyncQueueStatistics
            {
                Pending = entries.Count(e => e.State == SyncQueueState.Pending),
                Processing = entries.Count(e => e.State == SyncQueueState.Processing),
                Failing = entries.Count(e => e.State == SyncQueueState.Failing),
                Parked = entries.Count(e => e.State == SyncQueueState.Parked),
                Synced = entries.Count(e => e.State == SyncQueueState.Synced),
                OldestPendingSince = entries.Where(e => e.State != SyncQueueState.Parked).Min(e => e.PendingSince),
                Timestamp = now,
            });
        }
    }

    private static SyncQueueEntry NewEntry(string organizationId, string agentKey, SyncQueueOperation operation, DateTimeOffset now) => new()
    {
        OrganizationId = organizationId,
        AgentKey = agentKey,
        State = SyncQueueState.Pending,
        Operation = operation,
        Version = 0,
        EnqueuedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The row as its claimer sees it: the latest version, under the row's current lease.</summary>
    private static SyncQueueWorkItem WorkItem(Row row) => new()
    {
        OrganizationId = row.Entry.OrganizationId,
        AgentKey = row.Entry.AgentKey,
        Operation = row.Entry.Operation,
        Request = row.Request,
        Version = row.Entry.Version,
        Attempts = row.Entry.Attempts,
        LeaseToken = row.LeaseToken!.Value,
        LeaseExpiresAt = row.LeaseExpiresAt,
        PendingSince = row.Entry.PendingSince,
    };

    private ValueTask<SyncQueueEntry?> Settle(SyncQueueWorkItem item, Func<SyncQueueEntry, SyncQueueEntry> change)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue((item.OrganizationId, item.AgentKey), out var row) || row.LeaseToken != item.LeaseToken)
            {
                return ValueTask.FromResult<SyncQueueEntry?>(null);
            }

            row.LeaseToken = null;
            row.Entry = change(row.Entry);
            Schedule(row);
            return ValueTask.FromResult<SyncQueueEntry?>(row.Entry);
        }
    }

    private void Schedule(Row row)
    {
        if (row.Entry is { State: SyncQueueState.Pending or SyncQueueState.Failing, NextAttemptAt: { } at })
        {
            _due.Enqueue(row, at);
        }
    }

    private sealed class Row
    {
        public bool Removed { get; set; }

        public required SyncQueueEntry Entry { get; set; }

        public AssistantSyncRequest? Request { get; set; }

        public Guid? LeaseToken { get; set; }

        public DateTimeOffset LeaseExpiresAt { get; set; }
    }
}
