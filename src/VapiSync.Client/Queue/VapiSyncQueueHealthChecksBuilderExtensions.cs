using Microsoft.Extensions.Diagnostics.HealthChecks;
using VapiSync.Client.Queue;
using VapiSync.Client.Queue.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the sync queue's health check.</summary>
public static class VapiSyncQueueHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports Degraded when the oldest waiting save is older than <see cref="SyncQueueOptions.DegradedAfter"/>, Healthy
    /// otherwise; its data carries the depth, the counts per state and the oldest age. Requires <c>AddSyncQueue()</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter the check by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddVapiSyncQueueHealthCheck(this IHealthChecksBuilder builder, string name = "vapisync-queue", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<SyncQueueHealthCheck>(name, HealthStatus.Unhealthy, tags ?? []);
    }
}
