using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>The Overview: breakers, queue depth, the last hour's outcomes and the recent failures.</summary>
internal static class OverviewPage
{
    private const int RecentFailures = 10;

    public static async Task<IResult> RenderAsync(DashboardPage page)
    {
        var html = new HtmlBuilder();
        Breakers(page, html);
        var queue = page.Services.GetService<IVapiSyncQueue>();
        await QueueAsync(queue, html, page.Aborted).ConfigureAwait(false);
        Outcomes(page.Services.GetRequiredService<SyncOutcomeRecorder>().Snapshot(), html);
        await FailuresAsync(page, queue, html).ConfigureAwait(false);
        return page.Render("Overview", html.ToRaw());
    }

    private static void Breakers(DashboardPage page, HtmlBuilder html)
    {
        html.Add($"<section aria-labelledby=\"breakers\"><h2 id=\"breakers\">Circuit breakers</h2>");
        var circuits = page.Services.GetRequiredService<IDashboardCircuits>().List();
        if (circuits.Count == 0)
        {
            html.Add($"<p>No circuit breaker is registered: call <code>AddVapiSync()</code>.</p></section>");
            return;
        }

        html.Add($"<table><thead><tr><th scope=\"col\">Account</th><th scope=\"col\">State</th><th scope=\"col\">Opened</th><th scope=\"col\">Actions</th></tr></thead><tbody>");
        foreach (var circuit in circuits)
        {
            var state = circuit.State.ToString();
            var fields = new[] { ("circuit", circuit.Id) };
            html.Add($"<tr data-circuit=\"{circuit.Id}\"><td>{circuit.Account}</td><td><span class=\"badge {StateClass(circuit.State)}\" data-state=\"{state}\">{state}</span></td><td>{DashboardPage.Time(circuit.OpenedAt)}</td><td>");
            html.Add($"{page.Form("/breaker/reset", fields, ("Reset", null, null))} {page.Form("/breaker/isolate", fields, ("Isolate", null, null))}</td></tr>");
        }

        html.Add($"</tbody></table></section>");
    }

    private static string StateClass(CircuitState state) => state switch
    {
        CircuitState.Closed => "ok",
        CircuitState.HalfOpen => "warn",
        _ => "bad",
    };

    private static async Task QueueAsync(IVapiSyncQueue? queue, HtmlBuilder html, CancellationToken cancellationToken)
    {
        html.Add($"<section aria-labelledby=\"queue\"><h2 id=\"queue\">Queue</h2>");
        if (queue is null)
        {
            html.Add($"<p>The durable queue is not registered (<code>AddSyncQueue()</code>): saves are applied as they arrive.</p></section>");
            return;
        }

        var stats = await queue.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        html.Add($"""
            <dl class="stats">
            <div><dt>Depth</dt><dd data-stat="depth">{stats.Depth}</dd></div>
            <div><dt>Oldest pending</dt><dd data-stat="oldest">{(stats.OldestPendingSince is null ? "none" : DashboardPage.Age(stats.OldestPendingAge))}</dd></div>
            <div><dt>Pending</dt><dd>{stats.Pending}</dd></div>
            <div><dt>Processing</dt><dd>{stats.Processing}</dd></div>
            <div><dt>Failing</dt><dd>{stats.Failing}</dd></div>
            <div><dt>Parked</dt><dd data-stat="parked">{stats.Parked}</dd></div>
            <div><dt>Synced</dt><dd>{stats.Synced}</dd></div>
            </dl></section>
            """);
    }

    private static void Outcomes(OutcomeSnapshot snapshot, HtmlBuilder html)
    {
        html.Add($"<section aria-labelledby=\"outcomes\"><h2 id=\"outcomes\">Sync outcomes, last hour</h2>");
        html.Add($"{OutcomeChart.Render(snapshot.Minutes)}");
        if (snapshot.Outcomes.Count == 0)
        {
            html.Add($"<p>No sync in the last hour.</p></section>");
            return;
        }

        html.Add($"<table class=\"compact\"><caption>Totals by outcome</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Syncs</th></tr></thead><tbody>");
        foreach (var (outcome, count) in snapshot.Outcomes)
        {
            html.Add($"<tr><td>{outcome}</td><td>{count}</td></tr>");
        }

        html.Add($"</tbody></table></section>");
    }

    private static async Task FailuresAsync(DashboardPage page, IVapiSyncQueue? queue, HtmlBuilder html)
    {
        html.Add($"<section aria-labelledby=\"failures\"><h2 id=\"failures\">Recent failures</h2>");
        var errors = page.Services.GetRequiredService<SyncOutcomeRecorder>().Snapshot().Errors;
        if (errors.Count > 0)
        {
            html.Add($"<p>Failed syncs in the last hour by error type: ");
            html.Add($"{string.Join(", ", errors.Select(e => string.Create(CultureInfo.InvariantCulture, $"{(e.Key == "0" ? "no answer" : e.Key)} × {e.Value}")))}</p>");
        }

        var failures = new List<SyncQueueEntry>();
        if (queue is not null)
        {
            foreach (var state in new[] { SyncQueueState.Failing, SyncQueueState.Parked })
            {
                var list = await queue.ListAsync(new SyncQueueQuery { State = state, PageSize = 100 }, page.Aborted).ConfigureAwait(false);
                failures.AddRange(list.Items.Where(e => e.LastError is not null));
            }
        }

        if (failures.Count == 0)
        {
            html.Add($"<p>No queued item is failing or parked.</p></section>");
            return;
        }

        html.Add($"<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Organization</th><th scope=\"col\">Agent</th><th scope=\"col\">State</th><th scope=\"col\">Error code</th><th scope=\"col\">Status</th><th scope=\"col\">Message</th></tr></thead><tbody>");
        foreach (var entry in failures.OrderByDescending(e => e.LastError!.OccurredAt).Take(RecentFailures))
        {
            var error = entry.LastError!;
            html.Add($"<tr><td>{DashboardPage.Time(error.OccurredAt)}</td><td>{entry.OrganizationId}</td><td>{entry.AgentKey}</td><td>{entry.State}</td><td><code>{error.ErrorCode}</code></td><td>{(error.StatusCode == 0 ? "—" : ((int)error.StatusCode).ToString(CultureInfo.InvariantCulture))}</td><td>{error.Message}</td></tr>");
        }

        html.Add($"</tbody></table><p><a href=\"{page.Url("/queue")}\">Open the queue</a> to retry or discard them.</p></section>");
    }
}
