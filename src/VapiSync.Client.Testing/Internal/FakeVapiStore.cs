using System.Globalization;
using System.Text.Json.Nodes;

namespace VapiSync.Client.Testing.Internal;

/// <summary>Assistants per account, as Vapi keeps them: server-assigned ids and timestamps, PATCH merging top-level fields.</summary>
internal sealed class FakeVapiStore(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<string, Stored>> _accounts = new(StringComparer.Ordinal);
    private long _sequence;

    public JsonObject Create(string accountId, JsonObject body)
    {
        lock (_gate)
        {
            var now = Now();
            var assistant = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["orgId"] = accountId,
            };
            foreach (var (name, value) in body)
            {
                assistant[name] = value?.DeepClone();
            }

            assistant["createdAt"] = now;
            assistant["updatedAt"] = now;
            Account(accountId)[assistant["id"]!.GetValue<string>()] = new Stored(assistant, ++_sequence);
            return (JsonObject)assistant.DeepClone();
        }
    }

    public JsonObject? Get(string accountId, string id)
    {
        lock (_gate)
        {
            return Account(accountId).TryGetValue(id, out var stored) ? (JsonObject)stored.Assistant.DeepClone() : null;
        }
    }

    public JsonObject? Update(string accountId, string id, JsonObject body)
    {
        lock (_gate)
        {
            if (!Account(accountId).TryGetValue(id, out var stored))
            {
                return null;
            }

            foreach (var (name, value) in body)
            {
                stored.Assistant[name] = value?.DeepClone();
            }

            stored.Assistant["updatedAt"] = Now();
            return (JsonObject)stored.Assistant.DeepClone();
        }
    }

    public (JsonObject? Deleted, bool Pinned) Delete(string accountId, string id)
    {
        lock (_gate)
        {
            var account = Account(accountId);
            if (!account.TryGetValue(id, out var stored))
            {
                return (null, false);
            }

            if (stored.Pinned)
            {
                return (null, true);
            }

            account.Remove(id);
            return ((JsonObject)stored.Assistant.DeepClone(), false);
        }
    }

    public bool Pin(string accountId, string id)
    {
        lock (_gate)
        {
            if (!Account(accountId).TryGetValue(id, out var stored))
            {
                return false;
            }

            stored.Pinned = true;
            return true;
        }
    }

    public bool Mutate(string accountId, string id, Action<JsonObject> change)
    {
        lock (_gate)
        {
            if (!Account(accountId).TryGetValue(id, out var stored))
            {
                return false;
            }

            change(stored.Assistant);
            return true;
        }
    }

    /// <summary>Newest first (Vapi's likely order), ties broken by creation order; filters compare a timestamp field with a bound (parsed once per value, not per listing).</summary>
    public List<JsonObject> List(string accountId, IReadOnlyList<(string Field, Func<DateTimeOffset, bool> Test)> filters, int limit)
    {
        lock (_gate)
        {
            return Account(accountId).Values
                .Where(s => Matches(s, filters))
                .OrderByDescending(s => s.Timestamp("createdAt")).ThenByDescending(s => s.Sequence)
                .Take(limit)
                .Select(s => (JsonObject)s.Assistant.DeepClone())
                .ToList();
        }
    }

    private static bool Matches(Stored stored, IReadOnlyList<(string Field, Func<DateTimeOffset, bool> Test)> filters)
    {
        for (var i = 0; i < filters.Count; i++)
        {
            if (!filters[i].Test(stored.Timestamp(filters[i].Field)))
            {
                return false;
            }
        }

        return true;
    }

    public List<JsonObject> All(string accountId)
    {
        lock (_gate)
        {
            return Account(accountId).Values.OrderBy(s => s.Sequence).Select(s => (JsonObject)s.Assistant.DeepClone()).ToList();
        }
    }

    public static DateTimeOffset CreatedAt(JsonObject assistant) => Timestamp(assistant, "createdAt");

    public static DateTimeOffset Timestamp(JsonObject assistant, string field) =>
        DateTimeOffset.Parse(assistant[field]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private string Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    private Dictionary<string, Stored> Account(string accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var account))
        {
            _accounts[accountId] = account = new Dictionary<string, Stored>(StringComparer.Ordinal);
        }

        return account;
    }

    private sealed class Stored(JsonObject assistant, long sequence)
    {
        public JsonObject Assistant { get; } = assistant;

        public long Sequence { get; } = sequence;

        public bool Pinned { get; set; }

        private (string? Text, DateTimeOffset Value) _createdAt;
        private (string? Text, DateTimeOffset Value) _updatedAt;

        /// <summary>The field's value, parsed again only when its text changed (a PATCH, or a test's mutation).</summary>
        public DateTimeOffset Timestamp(string field)
        {
            ref var cached = ref field == "createdAt" ? ref _createdAt : ref _updatedAt;
            var text = Assistant[field]!.GetValue<string>();
            if (!ReferenceEquals(text, cached.Text) && text != cached.Text)
            {
                cached = (text, DateTimeOffset.Parse(text, CultureInfo.InvariantCulture));
            }

            return cached.Value;
        }
    }
}
