using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>What an action did, shown once on the page it redirects to.</summary>
/// <param name="IsError">Whether the action failed.</param>
/// <param name="Text">The sentence to show.</param>
internal sealed record Notice(bool IsError, string Text);

/// <summary>
/// Carries an action's result across its redirect by an unguessable id, not in the query string: a crafted link can
/// then never make the dashboard display text the dashboard did not write.
/// </summary>
internal sealed class Notices
{
    private const int Capacity = 256;
    private readonly ConcurrentDictionary<string, Notice> _notices = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public string Add(Notice notice)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        _notices[id] = notice;
        _order.Enqueue(id);
        while (_order.Count > Capacity && _order.TryDequeue(out var old))
        {
            _notices.TryRemove(old, out _);
        }

        return id;
    }

    public Notice? Take(string? id) => id is not null && _notices.TryRemove(id, out var notice) ? notice : null;
}
