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
                load = account.Loads.FirstOrDefault(l => l.StartSeq >= need.Value.Seq && l.StartedAt >= need.Value.Time)?.Task
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

    /// <summary>Gets how many listings of the account were started (for tests).</summary>
    internal int ListingsStarted(VapiCredential credential) => AccountOf(credential).ListingsStarted;

    private Account AccountOf(VapiCredential credential) => _accounts.GetOrAdd(credential.Fingerprint, _ => new Account());

    /// <summary>Called under the account's lock.</summary>
    private Task StartLoad(Account account, VapiCredential credential)
    {
        var load = new Load(account.Seq, _time.GetUtcNow());
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
            await foreach (var assistant in _gateway.ListAsync(credential, null, null, CancellationToken.None).ConfigureAwait(false))
            {
                count++;
                if (SyncKeyOf(assistant, keyName) is { } key)
                {
                    Add(listed, key, new Entry(assistant.Id, assistant.CreatedAt));
                }
            }

            lock (account)
            {
                account.Merge(listed, load);
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
        public long StartSeq { get; } = startSeq;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public Task Task { get; set; } = Task.CompletedTask;
    }

    /// <summary>One account's map; every member is used under <c>lock (account)</c>.</summary>
    private sealed class Account
    {
        private readonly List<(long Seq, Change Change)> _journal = [];
        private readonly Dictionary<string, long> _uncertain = new(StringComparer.Ordinal);
        private Dictionary<string, List<Entry>>? _map;
        private long _appliedStartSeq = -1;
        private DateTimeOffset _appliedStartedAt = DateTimeOffset.MinValue;

        public long Seq { get; private set; }

        public List<Load> Loads { get; } = [];

        public int ListingsStarted { get; set; }

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
        public void Merge(Dictionary<string, List<Entry>> listed, Load load)
        {
            if (load.StartSeq < _appliedStartSeq)
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
            _appliedStartSeq = load.StartSeq;
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
