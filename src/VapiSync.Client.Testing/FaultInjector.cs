namespace VapiSync.Client.Testing;

/// <summary>
/// Decides which requests of a <see cref="FakeVapiServer"/> fail and how: queued faults matched by method and path
/// (consumed in order), and optional random faults drawn from a seeded generator for soak runs.
/// </summary>
public sealed class FaultInjector
{
    private readonly List<Entry> _queue = [];
    private readonly object _gate = new();
    private Random? _random;
    private double _probability;
    private Fault[] _randomFaults = [];

    /// <summary>Gets how many queued faults have not fired yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Sum(e => e.Remaining);
            }
        }
    }

    /// <summary>Queues a fault for the next matching requests.</summary>
    /// <param name="method">The HTTP method (<c>POST</c>, <c>GET</c>, ...), or <c>*</c> for any.</param>
    /// <param name="path"><c>/assistant</c>, <c>/assistant/{id}</c> (any id), an exact path, or <c>*</c> for any.</param>
    /// <param name="fault">What goes wrong.</param>
    /// <param name="times">How many matching requests it applies to.</param>
    /// <returns>This injector.</returns>
    public FaultInjector Enqueue(string method, string path, Fault fault, int times = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            _queue.Add(new Entry(method.ToUpperInvariant(), path, fault) { Remaining = times });
        }

        return this;
    }

    /// <summary>Makes a share of all requests fail with faults drawn from a list, reproducibly.</summary>
    /// <param name="probability">The share of requests that fail, from 0 to 1.</param>
    /// <param name="seed">The seed: the same seed and request order give the same faults.</param>
    /// <param name="faults">The faults to draw from; by default 503, 429, connection reset, commit-then-fail and malformed body.</param>
    public void EnableRandomFaults(double probability, int seed, IReadOnlyList<Fault>? faults = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        lock (_gate)
        {
            _probability = probability;
#pragma warning disable CA5394 // Reproducible test faults, not security.
            _random = new Random(seed);
#pragma warning restore CA5394
            _randomFaults = faults is { Count: > 0 }
                ? [.. faults]
                : [Fault.Status(503), Fault.Status(429, TimeSpan.FromMilliseconds(0)), Fault.ConnectionReset(), Fault.CommitThenFail(500), Fault.MalformedBody()];
        }
    }

    /// <summary>Stops random faults; queued ones stay.</summary>
    public void DisableRandomFaults()
    {
        lock (_gate)
        {
            _random = null;
        }
    }

    /// <summary>Removes every queued fault and stops random ones.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _queue.Clear();
            _random = null;
        }
    }

    internal Fault? Next(string method, string path)
    {
        lock (_gate)
        {
            var entry = _queue.Find(e => e.Remaining > 0 && e.Matches(method, path));
            if (entry is not null)
            {
                if (--entry.Remaining == 0)
                {
                    _queue.Remove(entry);
                }

                return entry.Fault;
            }

#pragma warning disable CA5394 // Reproducible test faults, not security.
            if (_random is not null && _random.NextDouble() < _probability)
            {
                return _randomFaults[_random.Next(_randomFaults.Length)];
            }
#pragma warning restore CA5394

            return null;
        }
    }

    private sealed record Entry(string Method, string Path, Fault Fault)
    {
        public int Remaining { get; set; }

        public bool Matches(string method, string path) =>
            (Method == "*" || Method == method)
            && (Path == "*" || string.Equals(Path, path, StringComparison.Ordinal)
                || (Path == "/assistant/{id}" && path.StartsWith("/assistant/", StringComparison.Ordinal) && path.Length > "/assistant/".Length));
    }
}
