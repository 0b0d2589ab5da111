using System.Collections.Concurrent;

namespace VapiSync.Client.Sync.Internal;

/// <summary>The default state store: a thread-safe dictionary, lost when the process ends (the sync key in metadata recovers it).</summary>
internal sealed class InMemoryAssistantStateStore : IAssistantStateStore
{
    private readonly ConcurrentDictionary<(string, string), AssistantState> _states = new();

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
