using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Dashboard.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Mounts the VapiSync operations dashboard.</summary>
public static class VapiSyncDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard's pages (Overview, Agents, Queue, Audit), actions and assets under <paramref name="pattern"/>.
    /// </summary>
    /// <remarks>
    /// Secure by default: unless an authorization policy is attached (<c>.RequireAuthorization(policy)</c> on the
    /// returned builder), only requests from the machine itself (loopback) are served and every other one gets 403.
    /// Every action is a POST validated by ASP.NET Core antiforgery; no API key is ever rendered, only fingerprints.
    /// </remarks>
    /// <param name="endpoints">The host's endpoint route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="pattern">The path the dashboard lives under.</param>
    /// <returns>The builder of every dashboard endpoint, for <c>RequireAuthorization</c> and other conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddVapiSyncDashboard()</c> was not called on the services.</exception>
    public static IEndpointConventionBuilder MapVapiSyncDashboard(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/vapisync")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (endpoints.ServiceProvider.GetService<DashboardMarker>() is null)
        {
            throw new InvalidOperationException(
                "The VapiSync dashboard's services are missing: call services.AddVapiSyncDashboard() before MapVapiSyncDashboard().");
        }

        // Listen to the meter from now on, not from the first page view, so the chart covers the hour before it.
        _ = endpoints.ServiceProvider.GetRequiredService<SyncOutcomeRecorder>();
        return DashboardEndpoints.Map(endpoints, pattern);
    }
}
