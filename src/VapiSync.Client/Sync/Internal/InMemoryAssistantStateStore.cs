using System.Collections.Concurrent;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The default state store: a thread-safe dictionary, lost when the process ends (the sync key in metadata recovers it).
/// Fenced writes follow the same rule as every shared store: one under an older token than the agent's last is refused.
/// </summary>
internal sealed class InMemoryAssistantStateStore : IAssistantStateStore
{
    private readonly ConcurrentDictionary<(string, string), AssistantState> _states = new();
    private readonly Dictionary<(string, string), long> _tokens = [];

    public ValueTask<AssistantState?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_states.TryGetValue((organizationId, agentKey), out var state) ? state : null);

    public ValueTask SetAsync(string organizationId, string agentKey, AssistantState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        _states[(organizationId, agentKey)] = state;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RemoveAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_states.TryRemove((organizationId, agentKey), out _));

    public ValueTask SetFencedAsync(string organizationId, string agentKey, AssistantState state, long fencingToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        Fenced(organizationId, agentKey, fencingToken, () => _states[(organizationId, agentKey)] = state);
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> RemoveFencedAsync(string organizationId, string agentKey, long fencingToken, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Fenced(organizationId, agentKey, fencingToken, () => _states.TryRemove((organizationId, agentKey), out _)));

    /// <summary>Tokens are remembered past a removal, so a stale holder cannot bring back what a newer one removed.</summary>
    private T Fenced<T>(string organizationId, string agentKey, long fencingToken, Func<T> write)
    {
        lock (_tokens)
        {
            if (fencingToken > 0)
            {
                var key = (organizationId, agentKey);
                if (_tokens.TryGetValue(key, out var last) && fencingToken < last)
                {
                    throw VapiSyncLeaseException.LeaseLost(organizationId, agentKey, fencingToken);
                }

                _tokens[key] = fencingToken;
            }

            return write();
        }
    }

    public async IAsyncEnumerable<AssistantStateEntry> ListAsync(
        string? organizationId = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var entries = _states
            .Where(pair => organizationId is null || string.Equals(pair.Key.Item1, organizationId, StringComparison.Ordinal))
            .OrderBy(pair => pair.Key.Item1, StringComparer.Ordinal)
            .ThenBy(pair => pair.Key.Item2, StringComparer.Ordinal)
            .Select(pair => new AssistantStateEntry(pair.Key.Item1, pair.Key.Item2, pair.Value))
            .ToList();
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return entry;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
