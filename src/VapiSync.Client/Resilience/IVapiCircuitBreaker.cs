using Polly.CircuitBreaker;

namespace VapiSync.Client.Resilience;

/// <summary>
/// The circuit breaker in front of Vapi, shared by every call to the configured base URL. Observe it, and close
/// (<see cref="ResetAsync"/>) or open (<see cref="IsolateAsync"/>) it at run time, without restarting the host.
/// </summary>
public interface IVapiCircuitBreaker
{
    /// <summary>Gets the breaker's current state.</summary>
    CircuitState State { get; }

    /// <summary>Gets when the breaker last opened (or was isolated), or <see langword="null"/> while it is closed.</summary>
    DateTimeOffset? OpenedAt { get; }

    /// <summary>Closes the breaker and resets its failure statistics: traffic flows again at once.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the breaker is closed.</returns>
    Task ResetAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens the breaker until <see cref="ResetAsync"/> is called: every call fails fast without reaching Vapi.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the breaker is isolated.</returns>
    Task IsolateAsync(CancellationToken cancellationToken = default);
}
