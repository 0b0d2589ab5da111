using Polly.CircuitBreaker;

namespace VapiSync.Client.Resilience;

/// <summary>
/// The circuit breaker in front of Vapi, shared by every call to the configured base URL. Observe it, and close
/// (<see cref="ResetAsync"/>) or open (<see cref="IsolateAsync"/>) it at run time, without restarting the host.
/// </summary>
/// <remarks>
/// Because every tenant shares it, it counts only Vapi's own failures: 5xx, 408, timeouts and connection failures.
/// A 429, a 401/403 or another 4xx concerns one account or one request and never opens it; neither does a malformed
/// API key, which fails with <see cref="VapiErrorCodes.InvalidCredential"/> before anything is sent.
/// </remarks>
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
