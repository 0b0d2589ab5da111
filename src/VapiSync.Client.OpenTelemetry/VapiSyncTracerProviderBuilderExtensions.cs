using VapiSync.Client.Diagnostics;
using VapiSync.Client.OpenTelemetry.Internal;

namespace OpenTelemetry.Trace;

/// <summary>Adds VapiSync.Client's traces to an OpenTelemetry <see cref="TracerProviderBuilder"/>.</summary>
public static class VapiSyncTracerProviderBuilderExtensions
{
    /// <summary>
    /// Collects the spans of the <c>VapiSync.Client</c> activity source (<see cref="VapiSyncTelemetry.Name"/>): one per
    /// sync (<c>vapisync sync</c>), per credential lookup and per request to Vapi (<c>vapi create</c>, <c>vapi update</c>, ...).
    /// Failed spans carry the semantic-convention attribute <c>error.type</c>.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static TracerProviderBuilder AddVapiSyncInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(VapiSyncTelemetry.Name).AddProcessor(new ErrorTypeProcessor());
    }
}
