using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>The Agents page: the state store's agents, searchable and paged, each with "Sync now" and "Force".</summary>
internal static class AgentsPage
{
    public static async Task<IResult> RenderAsync(DashboardPage page)
    {
        var search = page.Query("q");
        var organization = page.Query("org");
        var pageNumber = int.TryParse(page.Query("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        var html = new HtmlBuilder();
        html.Add($"""
            <form method="get" action="{page.Url("/agents")}" role="search" class="filters">
            <label for="q">Search</label><input id="q" name="q" type="search" value="{search}" placeholder="agent key, assistant id or fingerprint">
            <label for="org">Organization</label><input id="org" name="org" type="text" value="{organization}">
            <button type="submit">Search</button>
            </form>
            """);
        var canSync = page.Services.GetService<IAgentDefinitionSource>() is not null;
        if (!canSync)
        {
            html.Add($"<p class=\"hint\">Sync buttons are off: the library keeps only a hash of each definition, so the host must register an <code>IAgentDefinitionSource</code> to supply it.</p>");
        }

        var store = page.Services.GetRequiredService<IAssistantStateStore>();
        List<AssistantStateEntry> rows;
        bool hasNext;
        try
        {
            (rows, hasNext) = await ReadPageAsync(store, organization, search, pageNumber, page.Options.PageSize, page.Aborted).ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            html.Add($"<p>The state store ({store.GetType().Name}) cannot list its agents.</p>");
            return page.Render("Agents", html.ToRaw());
        }

        Table(page, html, rows, canSync);
        Pager(page, html, search, organization, pageNumber, hasNext);
        return page.Render("Agents", html.ToRaw());
    }

    private static async Task<(List<AssistantStateEntry> Rows, bool HasNext)> ReadPageAsync(
        IAssistantStateStore store, string? organization, string? search, int pageNumber, int pageSize, CancellationToken cancellationToken)
    {
        var skip = (long)(pageNumber - 1) * pageSize;
        var rows = new List<AssistantStateEntry>(pageSize);
        await foreach (var entry in store.ListAsync(organization, cancellationToken).ConfigureAwait(false))
        {
            if (!Matches(entry, search))
            {
                continue;
            }

            if (skip > 0)
            {
                skip--;
                continue;
            }

            if (rows.Count == pageSize)
            {
                return (rows, true);
            }

            rows.Add(entry);
        }

        return (rows, false);
    }

    private static bool Matches(AssistantStateEntry entry, string? search) =>
        search is null
        || entry.AgentKey.Contains(search, StringComparison.OrdinalIgnoreCase)
        || entry.OrganizationId.Contains(search, StringComparison.OrdinalIgnoreCase)
        || entry.State.AssistantId.Contains(search, StringComparison.OrdinalIgnoreCase)
        || (entry.State.AccountFingerprint?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false);

    private static void Table(DashboardPage page, HtmlBuilder html, List<AssistantStateEntry> rows, bool canSync)
    {
        if (rows.Count == 0)
        {
            html.Add($"<p>No agent matches.</p>");
            return;
        }

        html.Add($"<table><thead><tr><th scope=\"col\">Organization</th><th scope=\"col\">Agent</th><th scope=\"col\">Assistant id</th><th scope=\"col\">Account</th><th scope=\"col\">Last outcome</th><th scope=\"col\">Last synced</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        foreach (var entry in rows)
        {
            var state = entry.State;
            html.Add($"<tr data-agent=\"{entry.AgentKey}\"><td>{entry.OrganizationId}</td><td>{entry.AgentKey}</td><td><code>{state.AssistantId}</code></td><td><code>{state.AccountFingerprint ?? "—"}</code></td><td>{state.LastOutcome?.ToString() ?? "—"}</td><td>{DashboardPage.Time(state.UpdatedAt)}</td><td>");
            if (canSync)
            {
                html.Add($"{page.Form("/agents/sync", [("org", entry.OrganizationId), ("agent", entry.AgentKey)], ("Sync now", "force", "false"), ("Force", "force", "true"))}");
            }
            else
            {
                html.Add($"<button type=\"button\" disabled>Sync now</button> <button type=\"button\" disabled>Force</button>");
            }

            html.Add($"</td></tr>");
        }

        html.Add($"</tbody></table>");
    }

    private static void Pager(DashboardPage page, HtmlBuilder html, string? search, string? organization, int pageNumber, bool hasNext)
    {
        string Link(int number) => page.Url("/agents") + DashboardPage.QueryOf(("q", search), ("org", organization), ("page", number.ToString(CultureInfo.InvariantCulture)));
        html.Add($"<nav aria-label=\"Pages\" class=\"pager\">");
        if (pageNumber > 1)
        {
            html.Add($"<a href=\"{Link(pageNumber - 1)}\" rel=\"prev\">Previous</a> ");
        }

        html.Add($"<span>Page {pageNumber}</span>");
        if (hasNext)
        {
            html.Add($" <a href=\"{Link(pageNumber + 1)}\" rel=\"next\">Next</a>");
        }

        html.Add($"</nav>");
    }
}
