using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>The dashboard's routes, all in one group so a convention on the group (a policy) covers every one.</summary>
internal static class DashboardEndpoints
{
    /// <summary>The page's own script and style only; no frames, no foreign form targets.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string pattern)
    {
        var mount = "/" + pattern.Trim('/');
        mount = mount == "/" ? string.Empty : mount;
        var group = endpoints.MapGroup(mount.Length == 0 ? "/" : mount);
        group.AddEndpointFilter<LocalRequestsOnlyFilter>();
        group.AddEndpointFilter(static async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            return await next(context).ConfigureAwait(false);
        });
        group.ExcludeFromDescription();

        group.MapGet("/", Handler((HttpContext http) => OverviewPage.RenderAsync(new DashboardPage(http, mount))));
        group.MapGet("/agents", Handler((HttpContext http) => AgentsPage.RenderAsync(new DashboardPage(http, mount))));
        group.MapGet("/queue", Handler((HttpContext http) => QueuePage.RenderAsync(new DashboardPage(http, mount))));
        group.MapGet("/audit", Handler((HttpContext http) => AuditPage.Render(new DashboardPage(http, mount))));
        group.MapGet("/audit/jobs/{id}", HandlerWithId((HttpContext http, string id) => AuditPage.RenderJob(new DashboardPage(http, mount), id)));
        group.MapGet("/audit/jobs/{id}/status", HandlerWithId((HttpContext http, string id) => AuditPage.Status(http.RequestServices.GetRequiredService<AuditJobs>(), id)));
        group.MapGet("/assets/{name}", (string name) => DashboardAssets.Serve(name));

        group.MapPost("/breaker/reset", Handler((HttpContext http) => DashboardActions.BreakerAsync(http, mount, reset: true)));
        group.MapPost("/breaker/isolate", Handler((HttpContext http) => DashboardActions.BreakerAsync(http, mount, reset: false)));
        group.MapPost("/queue/retry", Handler((HttpContext http) => DashboardActions.QueueAsync(http, mount, retry: true)));
        group.MapPost("/queue/discard", Handler((HttpContext http) => DashboardActions.QueueAsync(http, mount, retry: false)));
        group.MapPost("/agents/sync", Handler((HttpContext http) => DashboardActions.SyncAsync(http, mount)));
        group.MapPost("/audit/run", Handler((HttpContext http) => DashboardActions.AuditAsync(http, mount)));
        group.MapPost("/audit/repair", Handler((HttpContext http) => DashboardActions.RepairAsync(http, mount)));
        return group;
    }

    // Typed as Delegate so minimal APIs write the returned IResult (a RequestDelegate would discard it) and run the filters.
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    private static Delegate Handler(Func<HttpContext, IResult> handler) => handler;

    private static Delegate HandlerWithId(Func<HttpContext, string, IResult> handler) => handler;
}
