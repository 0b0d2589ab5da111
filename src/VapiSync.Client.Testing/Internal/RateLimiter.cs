using System.Collections.Concurrent;

namespace VapiSync.Client.Testing.Internal;

/// <summary>A fixed window per key: past the limit, the wait until the window ends (sent as <c>Retry-After</c>).</summary>
internal sealed class RateLimiter(FakeVapiServerOptions options)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset WindowStart, int Count)> _windows = new(StringComparer.Ordinal);

    public TimeSpan? Check(string key)
    {
        if (options.RateLimitPerWindow <= 0)
        {
            return null;
        }

        var now = options.TimeProvider.GetUtcNow();
        var entry = _windows.AddOrUpdate(
            key,
            _ => (now, 1),
            (_, e) => now - e.WindowStart >= options.RateLimitWindow ? (now, 1) : (e.WindowStart, e.Count + 1));
        return entry.Count <= options.RateLimitPerWindow ? null : entry.WindowStart + options.RateLimitWindow - now;
    }
}
