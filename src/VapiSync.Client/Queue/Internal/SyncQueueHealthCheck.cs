using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace VapiSync.Client.Queue.Internal;

/// <summary>Degraded when the oldest waiting save has waited longer than <see cref="SyncQueueOptions.DegradedAfter"/>.</summary>
internal sealed class SyncQueueHealthCheck(IVapiSyncQueue queue, IOptions<SyncQueueOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stats = await queue.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>
        {
            ["depth"] = stats.Depth,
            ["pending"] = stats.Pending,
            ["processing"] = stats.Processing,
            ["failing"] = stats.Failing,
            ["parked"] = stats.Parked,
            ["oldestPendingAgeSeconds"] = Math.Round(stats.OldestPendingAge.TotalSeconds, 3),
        };
        if (stats.OldestPendingSince is { } since)
        {
            data["oldestPendingSince"] = since.ToString("O", CultureInfo.InvariantCulture);
        }

        var threshold = options.Value.DegradedAfter;
        return stats.OldestPendingAge > threshold
            ? HealthCheckResult.Degraded(
                $"The oldest queued save has waited {stats.OldestPendingAge:g}, longer than {threshold:g}: {stats.Depth} items wait, {stats.Failing} failing.",
                data: data)
            : HealthCheckResult.Healthy($"{stats.Depth} queued items wait; the oldest for {stats.OldestPendingAge:g}.", data);
    }
}
