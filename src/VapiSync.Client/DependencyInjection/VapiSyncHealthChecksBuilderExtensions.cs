using Microsoft.Extensions.Diagnostics.HealthChecks;
using VapiSync.Client.Diagnostics.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds VapiSync.Client's health check.</summary>
public static class VapiSyncHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports Degraded while the Vapi circuit breaker is open, isolated or half-open (with the time it opened), Healthy
    /// otherwise. Requires <c>AddVapiSync()</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter the check by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddVapiSyncHealthCheck(this IHealthChecksBuilder builder, string name = "vapisync", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<VapiSyncHealthCheck>(name, HealthStatus.Degraded, tags ?? []);
    }
}
