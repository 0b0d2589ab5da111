using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using VapiSync.Client.Dashboard;
using VapiSync.Client.Dashboard.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of the VapiSync operations dashboard.</summary>
public static class VapiSyncDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>MapVapiSyncDashboard</c> needs: antiforgery, the recorder of sync outcomes (it listens to the
    /// <c>VapiSync.Client</c> meter from the moment the dashboard is mapped) and the audit runner. Call it after
    /// <c>AddVapiSync</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the dashboard's settings.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddVapiSyncDashboard(this IServiceCollection services, Action<VapiSyncDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<VapiSyncDashboardOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddAntiforgery();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DashboardMarker>();
        services.TryAddSingleton<SyncOutcomeRecorder>();
        services.TryAddSingleton<AuditJobs>();
        services.TryAddSingleton<Notices>();
        services.TryAddSingleton<IDashboardCircuits, SharedBreakerCircuits>();
        return services;
    }
}
