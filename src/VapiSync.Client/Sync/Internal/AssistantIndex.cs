using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// Finds the assistant that carries an agent's sync key when the state store knows none (first sync after a restart,
/// a lost state, a lost POST answer, a 404). Vapi cannot filter by metadata, so each account is listed and the map is
/// kept current by what the library learns itself: its creates (<see cref="Record"/>), deletes (<see cref="Forget"/>)
/// and creates of unknown outcome (<see cref="MarkUncertain"/>).
/// </summary>
/// <remarks>
/// <para>
/// <b>A listing merges, never replaces.</b> Every change is numbered; a listing remembers the number it started at,
/// and when it finishes, the changes made while it ran are applied again on top of what it read. So a create that
/// committed after the listing read its page, or a create of unknown outcome marked while it ran, is not forgotten
/// (the mark survives until a listing that started after it).
/// </para>
/// <para>
/// <b>Single flight.</b> A caller that needs a listing joins one already running if that one started late enough to
/// answer it (after the caller's uncertain mark, or after a forced refresh was asked); otherwise it starts one. However
/// many first saves of a new account race, the account is listed once.
/// </para>
/// </remarks>
internal sealed class AssistantIndex
{
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly AssistantGateway _gateway;
    private readonly IOptionsMonitor<VapiSyncOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AssistantIndex(AssistantGateway gateway, IOptionsMonitor<VapiSyncOptions> options, TimeProvider time, ILogger<AssistantIndex> logger)
    {
        _gateway = gateway;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Returns the assistants carrying the key, the winner (oldest, then smallest id) first, listing the account first when needed.</summary>
    public async ValueTask<IReadOnlyList<string>> FindAllAsync(VapiCredential credential, string syncKey, bool refresh, CancellationToken cancellationToken)
    {
        var account = AccountOf(credential);
        while (true)
        {
            Task load;
            lock (account)
            {
                var need = account.Need(syncKey, refresh, _time.GetUtcNow() - _options.CurrentValue.AssistantIndexLifetime);
                if (need is null)
                {
                    return account.Lookup(syncKey);
                }

                // Join a listing in flight that started late enough; otherwise start one.
                load = account.Loads.FirstOrDefault(l => !l.IsTail && l.StartSeq >= need.Value.Seq && l.StartedAt >= need.Value.Time)?.Task
                    ?? StartLoad(account, credential);
                refresh = false;
            }

            await load.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns the winner among the assistants carrying the key, or <see langword="null"/>.</summary>
    public async ValueTask<string?> FindAsync(VapiCredential credential, string syncKey, bool refresh, CancellationToken cancellationToken)
    {
        var all = await FindAllAsync(credential, syncKey, refresh, cancellationToken).ConfigureAwait(false);
        if (all.Count > 1)
        {
            Log.DuplicateAssistantsFound(_logger, syncKey, all.Count, all[0]);
        }

        return all.Count > 0 ? all[0] : null;
    }

    public void Record(VapiCredential credential, string syncKey, string assistantId, DateTimeOffset createdAt) =>
        AccountOf(credential).Change(new Change(ChangeKind.Record, syncKey, assistantId, createdAt));

    /// <summary>
    /// Forgets an assistant a request answered 404 for. That answer can be wrong (a proxy, a replica behind), and the
    /// convergence tails read only what was created after the map's complete part: so the next tail reads again from
    /// the forgotten assistant's <c>createdAt</c>, and finds it if it is still there.
    /// </summary>
    public void ForgetMissing(VapiCredential credential, string syncKey, string assistantId)
    {
        var account = AccountOf(credential);
        lock (account)
        {
            account.ReReadFrom(syncKey, assistantId);
            account.Change(new Change(ChangeKind.Forget, syncKey, assistantId, default));
        }
    }

    public void Forget(VapiCredential credential, string syncKey, string assistantId) =>
        AccountOf(credential).Change(new Change(ChangeKind.Forget, syncKey, assistantId, default));

    /// <summary>A create for this key may have reached Vapi unseen: the next lookup waits for a listing that started after this.</summary>
    public void MarkUncertain(VapiCredential credential, string syncKey) =>
        AccountOf(credential).Change(new Change(ChangeKind.Uncertain, syncKey, null, default));

    /// <summary>Whether a create of this key ended without a usable answer and no listing has settled it since (no I/O).</summary>
    public bool IsUncertain(VapiCredential credential, string syncKey)
    {
        var account = AccountOf(credential);
        lock (account)
        {
            return account.IsUncertain(syncKey);
        }
    }

    /// <summary>
    /// After a create: waits for a listing of the account that starts after this call (so it shows every create that
    /// committed before ours returned) and returns every assistant carrying the key, the winner first. The listing is a
    /// <i>tail</i>: it reads only what was created since the account's map is complete (the newest assistant the last
    /// listing showed, less <paramref name="lag"/>, the time Vapi may take to show a new assistant), and one tail runs at
    /// a time per account, joined by every create that finishes meanwhile; under a steady stream of creates a tail starts
    /// at most once per <see cref="TailPacing"/>, so a bulk of thousands re-reads each assistant about twice, not once per
    /// create. Every contender that committed before ours returned is in the answer, however long ago the account was
    /// listed.
    /// </summary>
    public async ValueTask<IReadOnlyList<(string Id, DateTimeOffset CreatedAt)>> ConvergeAsync(
        VapiCredential credential, string syncKey, DateTimeOffset createdAt, TimeSpan lag, CancellationToken cancellationToken)
    {
        var account = AccountOf(credential);
        Task<Dictionary<string, IReadOnlyList<(string Id, DateTimeOffset CreatedAt)>>>? wait = null;
        lock (account)
        {
            if (account.HasMap)
            {
                var tail = account.NextTail ??= new Load(-1, default) { IsTail = true };
                tail.Join(syncKey, createdAt);
                wait = tail.Answers.Task;
                if (!account.TailLoopRunning)
                {
                    account.TailLoopRunning = true;
                    Detached.Start(() => _ = Task.Run(() => TailLoopAsync(account, credential, lag)));
                }
            }
        }

        if (wait is null)
        {
            // Never listed (no lookup before this create): a full listing that starts now is the check.
            await FindAllAsync(credential, syncKey, refresh: true, cancellationToken).ConfigureAwait(false);
            lock (account)
            {
                return account.LookupEntries(syncKey);
            }
        }

        // The answers are taken when the tail is merged, under the lock: a listing merged after it cannot hide what it saw.
        var answers = await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        return answers[syncKey];
    }

    /// <summary>A create's POST is about to be sent: while any is in flight, a tail may wait for it to join (see <see cref="TailPacing"/>).</summary>
    public void CreateStarted(VapiCredential credential) => Interlocked.Increment(ref AccountOf(credential).CreatesInFlight);

    /// <summary>A create's POST has ended (answered or not).</summary>
    public void CreateEnded(VapiCredential credential) => Interlocked.Decrement(ref AccountOf(credential).CreatesInFlight);

    /// <summary>Gets how many tail listings of the account were started (for tests).</summary>
    internal int TailsStarted(VapiCredential credential) => AccountOf(credential).TailsStarted;

    /// <summary>
    /// How often, at most, a tail listing starts while other creates of the account are in flight (they will join it) and
    /// it would re-read more than <see cref="PacingThreshold"/> known assistants newer than the complete part of the map:
    /// the lag, capped at a second. A sequential caller (nothing else in flight) never waits.
    /// </summary>
    internal static TimeSpan TailPacing(TimeSpan lag) => lag < TimeSpan.FromSeconds(1) ? lag : TimeSpan.FromSeconds(1);

    /// <summary>Below this many assistants to re-read, a tail starts at once (a sequential loop of creates never waits).</summary>
    internal const int PacingThreshold = 64;

    /// <summary>Gets how many listings of the account were started (for tests).</summary>
    internal int ListingsStarted(VapiCredential credential) => AccountOf(credential).ListingsStarted;

    private Account AccountOf(VapiCredential credential) => _accounts.GetOrAdd(credential.Fingerprint, _ => new Account());

    /// <summary>Called under the account's lock.</summary>
    private Task StartLoad(Account account, VapiCredential credential)
    {
        var load = new Load(account.Seq, _time.GetUtcNow()) { StartOrder = ++account.Starts };
        account.Loads.Add(load);
        account.ListingsStarted++;

        // Not tied to the first caller's token: others may join it. It ends on its own (the pipeline's timeouts).
        load.Task = Task.Run(() => LoadAsync(account, credential, load));
        return load.Task;
    }

    private async Task LoadAsync(Account account, VapiCredential credential, Load load)
    {
        try
        {
            var keyName = _options.CurrentValue.SyncKeyMetadataName;
            var listed = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
            var count = 0;
            var newest = DateTimeOffset.MinValue;
            await foreach (var assistant in _gateway.ListSummariesAsync(credential, null, null, CancellationToken.None).ConfigureAwait(false))
            {
                count++;
                newest = assistant.CreatedAt > newest ? assistant.CreatedAt : newest;
                if (SyncKeyOf(assistant, keyName) is { } key)
                {
                    Add(listed, key, new Entry(assistant.Id, assistant.CreatedAt));
                }
            }

            lock (account)
            {
                // A createdAt beyond the listing's start (a server bug, an import) must not move the complete part past
                // assistants still to come: every later check would list after it and see nothing. Capped at our clock
                // (a server ahead of it only costs re-reading until the next tail, whose bound is the server's own time).
                newest = newest > load.StartedAt ? load.StartedAt : newest;
                account.Merge(listed, load, newest == DateTimeOffset.MinValue ? null : Before(newest, ConvergenceLag()));
            }

            Log.AccountListed(_logger, credential.Fingerprint, count, listed.Count);
        }
        finally
        {
            lock (account)
            {
                account.Loads.Remove(load);
                account.TrimJournal();
            }
        }
    }

    /// <summary><paramref name="value"/> less <paramref name="lag"/>, never before the epoch (a server may send any timestamp).</summary>
    private static DateTimeOffset Before(DateTimeOffset value, TimeSpan lag) =>
        value - DateTimeOffset.UnixEpoch > lag ? value - lag : DateTimeOffset.UnixEpoch;

    /// <summary>The lag a full listing's completeness is judged with: the configured window, else the default.</summary>
    private TimeSpan ConvergenceLag() =>
        _options.CurrentValue.ConvergenceWindow is var lag && lag > TimeSpan.Zero ? lag : VapiSyncOptions.DefaultConvergenceWindow;

    /// <summary>Runs the account's tails one after another while creates wait for one; ends when none does.</summary>
    private async Task TailLoopAsync(Account account, VapiCredential credential, TimeSpan lag)
    {
        while (true)
        {
            try
            {
                TimeSpan delay;
                lock (account)
                {
                    delay = account.NextTail is null ? TimeSpan.Zero : account.PacingDelay(_time.GetUtcNow(), TailPacing(lag));
                }

                if (delay > TimeSpan.Zero)
                {
                    // Joiners keep arriving while it waits: one tail answers them all.
                    await Task.Delay(delay, _time).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // Pacing is an optimization: whatever fails in it (a host's TimeProvider) only means this tail starts now;
                // the loop must never stop with creates waiting for it.
            }

            Load tail;
            DateTimeOffset from;
            lock (account)
            {
                if (account.NextTail is not { } next)
                {
                    account.TailLoopRunning = false;
                    return;
                }

                tail = next;
                account.NextTail = null;
                tail.StartTail(account.Seq, _time.GetUtcNow());
                tail.StartOrder = ++account.Starts;
                account.Loads.Add(tail);
                account.TailsStarted++;
                // An account that was empty when listed is read whole (from the epoch, so the request still says it is a tail).
                from = account.CompleteUpTo is { } complete && complete > DateTimeOffset.UnixEpoch ? complete : DateTimeOffset.UnixEpoch;
                from = account.PendingReRead is { } reRead && reRead < from ? (reRead > DateTimeOffset.UnixEpoch ? reRead : DateTimeOffset.UnixEpoch) : from;
            }

            try
            {
                var keyName = _options.CurrentValue.SyncKeyMetadataName;
                var listed = new Dictionary<string, List<Entry>>(StringComparer.Ordinal);
                // Complete up to the newest joined create (the server's time, committed before the tail started), not the
                // newest createdAt read: one assistant with a createdAt far in the future would move it past every create to come.
                var newest = tail.NewestJoined;
                await foreach (var assistant in _gateway.ListSummariesAsync(credential, from, null, CancellationToken.None).ConfigureAwait(false))
                {
                    if (SyncKeyOf(assistant, keyName) is { } key)
                    {
                        Add(listed, key, new Entry(assistant.Id, assistant.CreatedAt));
                    }
                }

                Dictionary<string, IReadOnlyList<(string Id, DateTimeOffset CreatedAt)>> answers;
                lock (account)
                {
                    account.MergeTail(listed, tail, from, Before(newest, lag));
                    answers = tail.JoinedKeys.ToDictionary(key => key, account.LookupEntries, StringComparer.Ordinal);
                }

                tail.Answers.TrySetResult(answers);
            }
            catch (Exception ex)
            {
                tail.Answers.TrySetException(ex);
            }
            finally
            {
                lock (account)
                {
                    account.Loads.Remove(tail);
                    account.TrimJournal();
                }
            }
        }
    }

    /// <summary>The sync key an assistant carries, if it is a string.</summary>
    public static string? SyncKeyOf(VapiAssistant? assistant, string keyName) =>
        assistant?.Metadata?[keyName] is JsonValue value && value.TryGetValue<string>(out var key) ? key : null;

    /// <summary>The winner rule shared by lookups and convergence: oldest <c>createdAt</c>, then the smallest id (ordinal).</summary>
    public static int CompareWinner(DateTimeOffset createdAtA, string idA, DateTimeOffset createdAtB, string idB)
    {
        var byTime = createdAtA.CompareTo(createdAtB);
        return byTime != 0 ? byTime : string.CompareOrdinal(idA, idB);
    }

    private static void Add(Dictionary<string, List<Entry>> map, string key, Entry entry)
    {
        if (!map.TryGetValue(key, out var ids))
        {
            map[key] = ids = [];
        }

        if (!ids.Exists(e => e.Id == entry.Id))
        {
            ids.Add(entry);
        }
    }

    private enum ChangeKind
    {
        Record,
        Forget,
        Uncertain,
    }

    private sealed record Change(ChangeKind Kind, string SyncKey, string? AssistantId, DateTimeOffset CreatedAt);

    private sealed record Entry(string Id, DateTimeOffset CreatedAt);

    private sealed class Load(long startSeq, DateTimeOffset startedAt)
    {
        public long StartSeq { get; private set; } = startSeq;

        public DateTimeOffset StartedAt { get; private set; } = startedAt;

        /// <summary>Gets the order in which listings of the account started (full or tail): the sequence number alone ties when nothing changed in between.</summary>
        public long StartOrder { get; set; }

        public Task Task { get; set; } = Task.CompletedTask;

        /// <summary>Gets a value indicating whether this is a tail (the creates after the map's complete part), which never answers a lookup's need.</summary>
        public bool IsTail { get; init; }

        /// <summary>Gets the newest <c>createdAt</c> of the creates that joined the tail: all committed before it started.</summary>
        public DateTimeOffset NewestJoined { get; private set; } = DateTimeOffset.MinValue;

        /// <summary>Gets the sync keys of the creates that joined the tail.</summary>
        public HashSet<string> JoinedKeys { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets the tail's answer per joined key (every assistant carrying it, the winner first), which its joiners await.</summary>
        public TaskCompletionSource<Dictionary<string, IReadOnlyList<(string Id, DateTimeOffset CreatedAt)>>> Answers { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Join(string syncKey, DateTimeOffset createdAt)
        {
            JoinedKeys.Add(syncKey);
            NewestJoined = createdAt > NewestJoined ? createdAt : NewestJoined;
        }

        public void StartTail(long seq, DateTimeOffset startedAt)
        {
            StartSeq = seq;
            StartedAt = startedAt;
            Task = Answers.Task;
        }
    }

    /// <summary>One account's map; every member is used under <c>lock (account)</c>.</summary>
    private sealed class Account
    {
        private readonly List<(long Seq, Change Change)> _journal = [];
        private readonly Dictionary<string, long> _uncertain = new(StringComparer.Ordinal);
        private Dictionary<string, List<Entry>>? _map;
        private long _appliedStartSeq = -1;
        private long _appliedStartOrder;
        private DateTimeOffset _appliedStartedAt = DateTimeOffset.MinValue;

        public long Seq { get; private set; }

        public List<Load> Loads { get; } = [];

        public int ListingsStarted { get; set; }

        public int TailsStarted { get; set; }

        /// <summary>Gets or sets how many listings (full or tail) of the account were started: each one's <see cref="Load.StartOrder"/>.</summary>
        public long Starts { get; set; }

        /// <summary>Gets or sets the tail the next creates join (not started yet).</summary>
        public Load? NextTail { get; set; }

        public bool TailLoopRunning { get; set; }

        /// <summary>The account's create POSTs in flight (updated with <see cref="Interlocked"/>).</summary>
        public int CreatesInFlight;

        /// <summary>
        /// Gets the <c>createdAt</c> below which the map holds every assistant Vapi lists (the newest one a listing showed,
        /// less the lag); <see langword="null"/> when nothing bounds it (an empty account: a tail reads it all).
        /// </summary>
        public DateTimeOffset? CompleteUpTo { get; private set; }

        private DateTimeOffset _lastTailStartedAt = DateTimeOffset.MinValue;
        private long _reReadSeq;

        /// <summary>Gets where the next tail must start at the latest: the <c>createdAt</c> of an assistant forgotten on a 404 (see <see cref="ForgetMissing"/>).</summary>
        public DateTimeOffset? PendingReRead { get; private set; }

        /// <summary>Called before the 404's Forget is recorded: the map is not known complete from the assistant's <c>createdAt</c> on.</summary>
        public void ReReadFrom(string syncKey, string assistantId)
        {
            if (_map is not null && _map.TryGetValue(syncKey, out var ids) && ids.Find(e => e.Id == assistantId) is { } entry)
            {
                PendingReRead = PendingReRead is { } earlier && earlier < entry.CreatedAt ? earlier : entry.CreatedAt;
                _reReadSeq = Seq + 1;
            }
        }

        public bool HasMap => _map is not null;

        /// <summary>How long the next tail waits: none unless many known assistants would be re-read and one started recently.</summary>
        public TimeSpan PacingDelay(DateTimeOffset now, TimeSpan pacing)
        {
            // A clock stepped back (wall time) makes since negative: treat it as long ago, never wait more than the pacing.
            var since = now - _lastTailStartedAt;
            if (since >= pacing || since < TimeSpan.Zero || _map is null || Volatile.Read(ref CreatesInFlight) <= 0)
            {
                return TimeSpan.Zero;
            }

            var reread = 0;
            foreach (var entries in _map.Values)
            {
                foreach (var entry in entries)
                {
                    if (CompleteUpTo is not { } complete || entry.CreatedAt >= complete)
                    {
                        if (++reread > PacingThreshold)
                        {
                            return pacing - since;
                        }
                    }
                }
            }

            return TimeSpan.Zero;
        }

        /// <summary>Every assistant carrying the key with its <c>createdAt</c>, the winner first.</summary>
        public IReadOnlyList<(string Id, DateTimeOffset CreatedAt)> LookupEntries(string syncKey) =>
            _map is not null && _map.TryGetValue(syncKey, out var ids)
                ? [.. ids.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal).Select(e => (e.Id, e.CreatedAt))]
                : [];

        /// <summary>
        /// Takes a finished tail: what the map held from <paramref name="from"/> on is replaced by what the tail read there
        /// (an assistant deleted since is gone), then every change made since the tail started is applied again. A full
        /// listing that started later has already replaced the map: the tail is then ignored (its joiners read that map).
        /// </summary>
        public void MergeTail(Dictionary<string, List<Entry>> listed, Load tail, DateTimeOffset from, DateTimeOffset completeUpTo)
        {
            _lastTailStartedAt = tail.StartedAt > _lastTailStartedAt ? tail.StartedAt : _lastTailStartedAt;
            if (_map is null || tail.StartSeq < _appliedStartSeq || tail.StartOrder < _appliedStartOrder)
            {
                return;
            }

            foreach (var (key, entries) in _map)
            {
                entries.RemoveAll(e => e.CreatedAt >= from);
                if (listed.Remove(key, out var read))
                {
                    foreach (var entry in read)
                    {
                        entries.Add(entry);
                    }
                }
            }

            foreach (var (key, read) in listed)
            {
                _map[key] = read;
            }

            foreach (var (seq, change) in _journal)
            {
                if (seq > tail.StartSeq)
                {
                    Apply(_map, change, seq);
                }
            }

            if (CompleteUpTo is null || completeUpTo > CompleteUpTo)
            {
                CompleteUpTo = completeUpTo;
            }

            if (PendingReRead is { } reRead && from <= reRead && tail.StartSeq >= _reReadSeq)
            {
                PendingReRead = null;
            }
        }

        /// <summary>What a listing must satisfy to answer this lookup (started at or after Seq and Time), or null when the map can answer now.</summary>
        public (long Seq, DateTimeOffset Time)? Need(string syncKey, bool refresh, DateTimeOffset freshAfter)
        {
            var seq = refresh ? Seq + 1 : _uncertain.TryGetValue(syncKey, out var marked) ? marked : 0;
            var time = _map is not null && _appliedStartedAt < freshAfter ? freshAfter : DateTimeOffset.MinValue;
            if (refresh)
            {
                // A forced refresh needs a listing that starts from now on: one already running may have read its pages.
                Seq++;
            }

            return _map is null || _appliedStartSeq < seq || _appliedStartedAt < time ? (seq, time) : null;
        }

        /// <summary>An unsettled create, or duplicates a listing showed and nobody has deleted yet: either way the key needs a lookup.</summary>
        public bool IsUncertain(string syncKey) =>
            _uncertain.ContainsKey(syncKey) || (_map is not null && _map.TryGetValue(syncKey, out var ids) && ids.Count > 1);

        public IReadOnlyList<string> Lookup(string syncKey) =>
            _map!.TryGetValue(syncKey, out var ids)
                ? [.. ids.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Id)]
                : [];

        public void Change(Change change)
        {
            lock (this)
            {
                Seq++;
                Apply(_map, change, Seq);
                if (Loads.Count > 0)
                {
                    _journal.Add((Seq, change));
                }
            }
        }

        /// <summary>Takes a finished listing: what it read, plus every change made since it started.</summary>
        public void Merge(Dictionary<string, List<Entry>> listed, Load load, DateTimeOffset? completeUpTo)
        {
            if (load.StartSeq < _appliedStartSeq || load.StartOrder < _appliedStartOrder)
            {
                return; // a listing that started later has already been applied
            }

            foreach (var (seq, change) in _journal)
            {
                if (seq > load.StartSeq)
                {
                    Apply(listed, change, seq);
                }
            }

            _map = listed;
            CompleteUpTo = completeUpTo;
            if (load.StartSeq >= _reReadSeq)
            {
                PendingReRead = null; // read whole after the 404
            }
            _appliedStartSeq = load.StartSeq;
            _appliedStartOrder = load.StartOrder;
            _appliedStartedAt = load.StartedAt;
            foreach (var key in _uncertain.Where(u => u.Value <= load.StartSeq).Select(u => u.Key).ToList())
            {
                _uncertain.Remove(key);
            }
        }

        public void TrimJournal()
        {
            if (Loads.Count == 0)
            {
                _journal.Clear();
            }
            else
            {
                var oldest = Loads.Min(l => l.StartSeq);
                _journal.RemoveAll(entry => entry.Seq <= oldest);
            }
        }

        private void Apply(Dictionary<string, List<Entry>>? map, Change change, long seq)
        {
            switch (change.Kind)
            {
                case ChangeKind.Record:
                    // An uncertain mark stays: the earlier create it stands for may have committed too.
                    if (map is not null)
                    {
                        AssistantIndex.Add(map, change.SyncKey, new Entry(change.AssistantId!, change.CreatedAt));
                    }

                    break;
                case ChangeKind.Forget:
                    if (map?.TryGetValue(change.SyncKey, out var ids) == true)
                    {
                        ids.RemoveAll(e => e.Id == change.AssistantId);
                    }

                    break;
                default:
                    _uncertain[change.SyncKey] = Math.Max(seq, _uncertain.GetValueOrDefault(change.SyncKey));
                    break;
            }
        }
    }
}
