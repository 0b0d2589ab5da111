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
}
