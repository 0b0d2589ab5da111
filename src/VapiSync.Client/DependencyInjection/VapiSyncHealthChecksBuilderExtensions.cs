using Microsoft.Extensions.Diagnostics.HealthChecks;
using VapiSync.Client.Resilience.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds VapiSync.Client's health check.</summary>
public static class VapiSyncHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports <paramref name="failureStatus"/> while the Vapi circuit breaker is open, isolated or half-open (with the
    /// time it opened), Healthy otherwise. Requires <c>AddVapiSync()</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="failureStatus">
    /// The status to report while calls to Vapi are suspended. The default value is <see cref="HealthStatus.Degraded"/>:
    /// the host still serves, only syncs fail fast.
    /// </param>
    /// <param name="tags">Tags to filter the check by (for example <c>"ready"</c>).</param>
    /// <param name="timeout">How long the check may run; <see langword="null"/> for the health check service's default.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddVapiSyncHealthCheck(
        this IHealthChecksBuilder builder,
        string name = "vapisync",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.AddCheck<VapiSyncHealthCheck>(name, failureStatus ?? HealthStatus.Degraded, tags ?? [], timeout);
    }
}
