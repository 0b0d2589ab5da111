using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Fleet;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>
/// The dashboard's POST actions. Each validates the antiforgery token itself (the form is read by hand, so ASP.NET
/// Core's automatic check does not apply), acts, and redirects to a page that shows what it did.
/// </summary>
internal static class DashboardActions
{
    public const string AntiforgeryRefusal = "The antiforgery token is missing or invalid: reload the dashboard page and try again.";

    public static Task<IResult> BreakerAsync(HttpContext http, string basePath, bool reset) => RunAsync(http, basePath, "/", async form =>
    {
        var circuits = http.RequestServices.GetRequiredService<IDashboardCircuits>();
        var id = form["circuit"].ToString();
        var done = reset ? await circuits.ResetAsync(id, http.RequestAborted).ConfigureAwait(false) : await circuits.IsolateAsync(id, http.RequestAborted).ConfigureAwait(false);
        return !done ? new Notice(true, "No such circuit breaker.")
            : reset ? new Notice(false, "Circuit closed: calls to Vapi flow again.")
            : new Notice(false, "Circuit isolated: every call fails fast until it is reset.");
    });

    public static Task<IResult> QueueAsync(HttpContext http, string basePath, bool retry) => RunAsync(http, basePath, "/queue", async form =>
    {
        var queue = http.RequestServices.GetService<IVapiSyncQueue>();
        var (org, agent) = (form["org"].ToString(), form["agent"].ToString());
        if (queue is null || string.IsNullOrWhiteSpace(org) || string.IsNullOrWhiteSpace(agent))
        {
            return new Notice(true, "Nothing to do: the queue is not registered or the item is not named.");
        }

        var done = retry ? await queue.RetryAsync(org, agent, http.RequestAborted).ConfigureAwait(false) : await queue.DiscardAsync(org, agent, http.RequestAborted).ConfigureAwait(false);
        return (retry, done) switch
        {
            (true, true) => new Notice(false, $"{agent} ({org}) is due again: the drainer retries it now."),
            (true, false) => new Notice(true, $"{agent} ({org}) was not parked or failing any more: nothing retried."),
            (false, true) => new Notice(false, $"{agent} ({org}) discarded."),
            _ => new Notice(true, $"{agent} ({org}) could not be discarded (it is being applied now, or already gone)."),
        };
    });

    public static Task<IResult> SyncAsync(HttpContext http, string basePath) => RunAsync(http, basePath, "/agents", async form =>
    {
        var (org, agent) = (form["org"].ToString(), form["agent"].ToString());
        var force = string.Equals(form["force"], "true", StringComparison.OrdinalIgnoreCase);
        if (http.RequestServices.GetService<IAgentDefinitionSource>() is not { } source)
        {
            return new Notice(true, "Sync needs the agent's definition: register an IAgentDefinitionSource.");
        }

        if (await source.GetDefinitionAsync(org, agent, http.RequestAborted).ConfigureAwait(false) is not { } definition)
        {
            return new Notice(true, $"The host has no definition for {agent} ({org}) any more.");
        }

        var request = new AssistantSyncRequest(org, agent, definition) { Force = force };
        if (http.RequestServices.GetService<IVapiSyncQueue>() is { } queue)
        {
            // Through the queue when there is one: the save survives an outage and waits on the breaker like any other.
            var entry = await queue.EnqueueAsync(request, http.RequestAborted).ConfigureAwait(false);
            return new Notice(false, $"{agent} ({org}) queued{(force ? " with force" : string.Empty)} as version {entry.Version}.");
        }

        var result = await http.RequestServices.GetRequiredService<IVapiAssistantManager>().EnsureAssistantAsync(request, http.RequestAborted).ConfigureAwait(false);
        return new Notice(false, $"{agent} ({org}): {result.Outcome}, assistant {result.AssistantId}.");
    });

    public static Task<IResult> AuditAsync(HttpContext http, string basePath) => RunJobAsync(http, basePath, form =>
        (AuditJobKind.Audit, FleetRepairKinds.None));

    public static Task<IResult> RepairAsync(HttpContext http, string basePath) => RunJobAsync(http, basePath, form =>
    {
        var kinds = FleetRepairKinds.None;
        foreach (var value in form["kinds"])
        {
            kinds |= Enum.TryParse<FleetRepairKinds>(value, out var kind) && Enum.IsDefined(kind) ? kind : FleetRepairKinds.None;
        }

        var apply = string.Equals(form["apply"], "true", StringComparison.OrdinalIgnoreCase);
        return (apply ? AuditJobKind.Apply : AuditJobKind.DryRun, kinds);
    });

    private static async Task<IResult> RunJobAsync(HttpContext http, string basePath, Func<IFormCollection, (AuditJobKind Kind, FleetRepairKinds Kinds)> read)
    {
        if (await ReadValidFormAsync(http).ConfigureAwait(false) is not { } form)
        {
            return Refused();
        }

        var org = form["org"].ToString().Trim();
        if (org.Length == 0)
        {
            return Results.BadRequest("An organization id is required.");
        }

        var (kind, kinds) = read(form);
        var job = http.RequestServices.GetRequiredService<AuditJobs>().Start(kind, org, kinds);
        return Results.Redirect(Url(http, basePath, "/audit/jobs/" + job.Id));
    }

    private static async Task<IResult> RunAsync(HttpContext http, string basePath, string page, Func<IFormCollection, Task<Notice>> action)
    {
        if (await ReadValidFormAsync(http).ConfigureAwait(false) is not { } form)
        {
            return Refused();
        }

        Notice notice;
        try
        {
            notice = await action(form).ConfigureAwait(false);
        }
        catch (VapiSyncException ex)
        {
            notice = new Notice(true, $"{ex.ErrorCode ?? ex.GetType().Name}: {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            notice = new Notice(true, ex.Message);
        }

        var id = http.RequestServices.GetRequiredService<Notices>().Add(notice);
        return Results.Redirect(Url(http, basePath, page) + DashboardPage.QueryOf(("notice", id)));
    }

    private static async Task<IFormCollection?> ReadValidFormAsync(HttpContext http)
    {
        try
        {
            await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }

        return http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false) : null;
    }

    private static IResult Refused() => Results.Text(AntiforgeryRefusal, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    private static string Url(HttpContext http, string basePath, string page) => http.Request.PathBase.Add(basePath).Value + page;
}
