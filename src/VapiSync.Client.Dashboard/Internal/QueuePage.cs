using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>The Queue page: entries by state, with attempts and the last error; Retry and Discard.</summary>
internal static class QueuePage
{
    public static async Task<IResult> RenderAsync(DashboardPage page)
    {
        var html = new HtmlBuilder();
        if (page.Services.GetService<IVapiSyncQueue>() is not { } queue)
        {
            html.Add($"<p>The durable queue is not registered: call <code>AddSyncQueue()</code> on the VapiSync builder.</p>");
            return page.Render("Queue", html.ToRaw());
        }

        SyncQueueState? state = Enum.TryParse<SyncQueueState>(page.Query("state"), ignoreCase: true, out var parsed) ? parsed : null;
        var organization = page.Query("org");
        var token = page.Query("token");
        Filters(page, html, state, organization);
        SyncQueuePage result;
        try
        {
            result = await queue.ListAsync(new SyncQueueQuery { State = state, OrganizationId = organization, PageSize = page.Options.PageSize, ContinuationToken = token }, page.Aborted).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            html.Add($"<p class=\"notice error\" role=\"alert\">That page link is no longer valid: <a href=\"{page.Url("/queue")}\">start again</a>.</p>");
            return page.Render("Queue", html.ToRaw());
        }

        Table(page, html, result.Items);
        html.Add($"<nav aria-label=\"Pages\" class=\"pager\">");
        var filter = (State: ("state", state?.ToString()), Org: ("org", organization));
        if (token is not null)
        {
            html.Add($"<a href=\"{page.Url("/queue") + DashboardPage.QueryOf(filter.State, filter.Org)}\">First page</a> ");
        }

        if (result.ContinuationToken is not null)
        {
            html.Add($"<a href=\"{page.Url("/queue") + DashboardPage.QueryOf(filter.State, filter.Org, ("token", result.ContinuationToken))}\" rel=\"next\">Next</a>");
        }

        html.Add($"</nav>");
        return page.Render("Queue", html.ToRaw());
    }

    private static void Filters(DashboardPage page, HtmlBuilder html, SyncQueueState? state, string? organization)
    {
        html.Add($"<form method=\"get\" action=\"{page.Url("/queue")}\" class=\"filters\"><label for=\"state\">State</label><select id=\"state\" name=\"state\"><option value=\"\">All</option>");
        foreach (var value in Enum.GetValues<SyncQueueState>())
        {
            if (value == state)
            {
                html.Add($"<option value=\"{value}\" selected>{value}</option>");
            }
            else
            {
                html.Add($"<option value=\"{value}\">{value}</option>");
            }
        }

        html.Add($"</select><label for=\"org\">Organization</label><input id=\"org\" name=\"org\" type=\"text\" value=\"{organization}\"><button type=\"submit\">Filter</button></form>");
    }

    private static void Table(DashboardPage page, HtmlBuilder html, IReadOnlyList<SyncQueueEntry> items)
    {
        if (items.Count == 0)
        {
            html.Add($"<p>No queued item matches.</p>");
            return;
        }

        html.Add($"<table><thead><tr><th scope=\"col\">Organization</th><th scope=\"col\">Agent</th><th scope=\"col\">State</th><th scope=\"col\">Operation</th><th scope=\"col\">Attempts</th><th scope=\"col\">Waiting since</th><th scope=\"col\">Next attempt</th><th scope=\"col\">Last error</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        foreach (var entry in items)
        {
            var error = entry.LastError is { } e ? $"{e.ErrorCode}: {e.Message}" : entry.ParkedReason ?? "—";
            html.Add($"<tr data-agent=\"{entry.AgentKey}\" data-state=\"{entry.State}\"><td>{entry.OrganizationId}</td><td>{entry.AgentKey}</td><td><span class=\"badge {StateClass(entry.State)}\">{entry.State}</span></td><td>{entry.Operation}</td><td>{entry.Attempts}</td><td>{DashboardPage.Time(entry.PendingSince)}</td><td>{DashboardPage.Time(entry.NextAttemptAt)}</td><td>{error}</td><td>");
            var fields = new[] { ("org", entry.OrganizationId), ("agent", entry.AgentKey) };
            if (entry.State is SyncQueueState.Parked or SyncQueueState.Failing)
            {
                html.Add($"{page.Form("/queue/retry", fields, ("Retry", null, null))} ");
            }

            if (entry.State is SyncQueueState.Pending or SyncQueueState.Failing or SyncQueueState.Parked)
            {
                html.Add($"{page.Form("/queue/discard", fields, ("Discard", null, null))}");
            }

            html.Add($"</td></tr>");
        }

        html.Add($"</tbody></table>");
    }

    private static string StateClass(SyncQueueState state) => state switch
    {
        SyncQueueState.Synced => "ok",
        SyncQueueState.Parked => "bad",
        SyncQueueState.Failing => "warn",
        _ => "info",
    };
}
