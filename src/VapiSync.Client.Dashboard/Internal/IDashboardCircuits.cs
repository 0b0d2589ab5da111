using Polly.CircuitBreaker;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>
/// What the Overview shows and does about circuit breakers, one row per account. The pages know only this, so a
/// breaker per account (keyed by the credential's fingerprint) plugs in here without touching them.
/// </summary>
internal interface IDashboardCircuits
{
    IReadOnlyList<CircuitView> List();

    /// <returns><see langword="false"/> when no circuit has that id.</returns>
    Task<bool> ResetAsync(string circuitId, CancellationToken cancellationToken);

    /// <returns><see langword="false"/> when no circuit has that id.</returns>
    Task<bool> IsolateAsync(string circuitId, CancellationToken cancellationToken);
}

/// <summary>One circuit as the dashboard shows it.</summary>
/// <param name="Id">What the Reset and Isolate forms post back.</param>
/// <param name="Account">Who it guards, for people: a key fingerprint, never a key.</param>
/// <param name="State">The breaker's state.</param>
/// <param name="OpenedAt">When it last opened, or <see langword="null"/> while closed.</param>
internal sealed record CircuitView(string Id, string Account, CircuitState State, DateTimeOffset? OpenedAt);
