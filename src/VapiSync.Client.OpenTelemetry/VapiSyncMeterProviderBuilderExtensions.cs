using VapiSync.Client.Diagnostics;

namespace OpenTelemetry.Metrics;

/// <summary>Adds VapiSync.Client's metrics to an OpenTelemetry <see cref="MeterProviderBuilder"/>.</summary>
public static class VapiSyncMeterProviderBuilderExtensions
{
    /// <summary>
    /// Collects the instruments of the <c>VapiSync.Client</c> meter (<see cref="VapiSyncTelemetry.Name"/>): syncs by
    /// outcome and their duration, requests to Vapi by operation and status and their duration, voice normalizations,
    /// credential resolutions and the circuit breaker's state.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static MeterProviderBuilder AddVapiSyncInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(VapiSyncTelemetry.Name);
    }
}
