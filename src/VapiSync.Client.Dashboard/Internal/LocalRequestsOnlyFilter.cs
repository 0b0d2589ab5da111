using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>
/// The default authorization, as Hangfire's dashboard does it: without a policy on the endpoint only the machine itself
/// may use the dashboard. A host that attaches a policy (<c>RequireAuthorization</c>) has decided who may, and the
/// authorization middleware enforces that instead.
/// </summary>
internal sealed class LocalRequestsOnlyFilter : IEndpointFilter
{
    public const string RefusalMessage =
        "The VapiSync dashboard serves only local requests unless an authorization policy is set: app.MapVapiSyncDashboard(\"/vapisync\").RequireAuthorization(policy).";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        return IsAllowed(context.HttpContext)
            ? await next(context).ConfigureAwait(false)
            : Results.Text(RefusalMessage, "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }

    public static bool IsAllowed(HttpContext context) => HasPolicy(context) || IsLocal(context.Connection);

    private static bool HasPolicy(HttpContext context) =>
        context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<IAuthorizeData>() is not null
            || metadata.GetMetadata<AuthorizationPolicy>() is not null
            || metadata.GetMetadata<IAuthorizationRequirementData>() is not null);

    private static bool IsLocal(ConnectionInfo connection)
    {
        if (connection.RemoteIpAddress is not { } remote)
        {
            return false;
        }

        remote = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        var local = connection.LocalIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : connection.LocalIpAddress;
        return IPAddress.IsLoopback(remote) || remote.Equals(local);
    }
}
