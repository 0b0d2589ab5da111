using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Credentials;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Http;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// Finds the assistant that carries an agent's sync key when the state store knows none (first sync after a restart,
/// a lost state, a lost POST response). Vapi cannot filter by metadata, so each account is listed once and the map is
/// kept current by the library's own creates and deletes; it is listed again only when it is older than
/// <see cref="VapiSyncOptions.AssistantIndexLifetime"/> or a create's outcome is unknown.
/// </summary>
internal sealed class AssistantIndex
{
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly IVapiClient _client;
    private readonly IOptionsMonitor<VapiSyncOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AssistantIndex(IVapiClient client, IOptionsMonitor<VapiSyncOptions> options, TimeProvider time, ILogger<AssistantIndex> logger)
    {
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Returns the oldest assistant carrying the key, listing the account first when needed.</summary>
    public async ValueTask<string?> FindAsync(VapiCredential credential, string syncKey, bool refresh, CancellationToken cancellationToken)
    {
        var account = _accounts.GetOrAdd(credential.Fingerprint, _ => new Account());
        var loadsSeen = Volatile.Read(ref account.LoadsStarted);
        if (refresh || account.IsStale(syncKey, _time.GetUtcNow(), _options.CurrentValue.AssistantIndexLifetime))
        {
            await account.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Another caller may have listed while this one waited: a listing that started after we asked will do.
                if (account.LoadsStarted == loadsSeen || account.Map is null)
                {
                    await LoadAsync(account, credential, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                account.Gate.Release();
            }
        }

        lock (account)
        {
            if (account.Map!.TryGetValue(syncKey, out var ids) && ids.Count > 0)
            {
                if (ids.Count > 1)
                {
                    Log.DuplicateAssistantsFound(_logger, syncKey, ids.Count, ids[0].Id);
                }

                return ids[0].Id;
            }

            return null;
        }
    }

    public void Record(VapiCredential credential, string syncKey, string assistantId, DateTimeOffset createdAt)
    {
        if (_accounts.TryGetValue(credential.Fingerprint, out var account))
        {
            lock (account)
            {
                account.Uncertain.Remove(syncKey);
                account.Add(syncKey, assistantId, createdAt);
            }
        }
    }

    public void Forget(VapiCredential credential, string syncKey, string assistantId)
    {
        if (_accounts.TryGetValue(credential.Fingerprint, out var account))
        {
            lock (account)
            {
                if (account.Map?.TryGetValue(syncKey, out var ids) == true)
                {
                    ids.RemoveAll(entry => entry.Id == assistantId);
                }
            }
        }
    }

    /// <summary>A create for this key may have reached Vapi unseen: the next lookup lists the account again.</summary>
    public void MarkUncertain(VapiCredential credential, string syncKey)
    {
        var account = _accounts.GetOrAdd(credential.Fingerprint, _ => new Account());
        lock (account)
        {
            account.Uncertain.Add(syncKey);
        }
    }

    private async Task LoadAsync(Account account, VapiCredential credential, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref account.LoadsStarted);
        var started = _time.GetUtcNow();
        var keyName = _options.CurrentValue.SyncKeyMetadataName;
        var map = new Dictionary<string, List<(string Id, DateTimeOffset CreatedAt)>>(StringComparer.Ordinal);
        var count = 0;
        await foreach (var assistant in _client.ListAssistantsAsync(credential, cancellationToken).ConfigureAwait(false))
        {
            count++;
            if (assistant.Metadata?[keyName] is System.Text.Json.Nodes.JsonValue value && value.TryGetValue<string>(out var key))
            {
                if (!map.TryGetValue(key, out var ids))
                {
                    map[key] = ids = [];
                }

                ids.Add((assistant.Id, assistant.CreatedAt));
            }
        }

        foreach (var ids in map.Values)
        {
            // Oldest, then the smallest id: the fleet audit keeps the same one, so it never deletes what a sync adopted.
            ids.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
        }

        lock (account)
        {
            account.Map = map;
            account.LoadStartedAt = started;
            account.Uncertain.Clear();
        }

        Log.AccountListed(_logger, credential.Fingerprint, count, map.Count);
    }

    private sealed class Account
    {
        public int LoadsStarted;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Dictionary<string, List<(string Id, DateTimeOffset CreatedAt)>>? Map { get; set; }

        public DateTimeOffset LoadStartedAt { get; set; } = DateTimeOffset.MinValue;

        public HashSet<string> Uncertain { get; } = new(StringComparer.Ordinal);

        public bool IsStale(string syncKey, DateTimeOffset now, TimeSpan lifetime)
        {
            lock (this)
            {
                return Map is null || Uncertain.Contains(syncKey) || now - LoadStartedAt > lifetime;
            }
        }

        public void Add(string syncKey, string assistantId, DateTimeOffset createdAt)
        {
            if (Map is null)
            {
                return;
            }

            if (!Map.TryGetValue(syncKey, out var ids))
            {
                Map[syncKey] = ids = [];
            }

            if (!ids.Exists(entry => entry.Id == assistantId))
            {
                ids.Add((assistantId, createdAt));
            }
        }
    }
}
