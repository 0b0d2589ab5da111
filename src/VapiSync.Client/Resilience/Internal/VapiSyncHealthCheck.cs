using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>The registration's failure status (Degraded by default) while the circuit breaker keeps calls from Vapi (open, isolated or probing), with when it opened.</summary>
internal sealed class VapiSyncHealthCheck(IVapiCircuitBreaker breaker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = breaker.State;
        var data = new Dictionary<string, object> { ["circuitState"] = state.ToString() };
        if (breaker.OpenedAt is { } openedAt)
        {
            data["openedAt"] = openedAt.ToString("O", CultureInfo.InvariantCulture);
        }

        var since = data.TryGetValue("openedAt", out var at) ? at : "an unknown time";
        var failure = context?.Registration?.FailureStatus ?? HealthStatus.Degraded;
        var result = state switch
        {
            CircuitState.Closed => HealthCheckResult.Healthy("Calls to Vapi flow.", data),
            CircuitState.HalfOpen => new HealthCheckResult(failure, "The Vapi circuit breaker is half-open: probing whether Vapi recovered.", data: data),
            CircuitState.Isolated => new HealthCheckResult(failure, $"The Vapi circuit breaker was isolated manually at {since}; reset it to resume.", data: data),
            _ => new HealthCheckResult(failure, $"The Vapi circuit breaker is open since {since}: calls to Vapi fail fast.", data: data),
        };
        return Task.FromResult(result);
    }
}
