using System.Diagnostics.Metrics;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>The circuit breaker's gauge on the library's <c>VapiSync.Client</c> meter (the factory hands back the one meter).</summary>
internal sealed class CircuitMetrics
{
    public CircuitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        meter.CreateObservableGauge(
            "vapisync.circuit.state",
            () => CircuitState?.Invoke() ?? 0,
            "{state}",
            "The circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    /// <summary>Set by the circuit breaker facade so the gauge reads the live state.</summary>
    public Func<int>? CircuitState { get; set; }
}
