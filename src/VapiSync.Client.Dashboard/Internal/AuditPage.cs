using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Fleet;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>The Audit page: run the fleet audit for an organization, read the findings by kind, dry-run then apply a repair.</summary>
internal static class AuditPage
{
    private static readonly (FleetFindingKind Kind, FleetRepairKinds Repair, string Title)[] Kinds =
    [
        (FleetFindingKind.LegacyVoice, FleetRepairKinds.LegacyVoices, "Legacy voices"),
        (FleetFindingKind.Duplicate, FleetRepairKinds.Duplicates, "Duplicates"),
        (FleetFindingKind.Orphan, FleetRepairKinds.Orphans, "Orphans"),
        (FleetFindingKind.Drift, FleetRepairKinds.Drift, "Drift"),
    ];

    public static IResult Render(DashboardPage page)
    {
        var html = new HtmlBuilder();
        html.Add($"""
            <p>The audit lists the organization's Vapi account once (read-only) and classifies every assistant. A repair audits again and fixes only what that audit still finds: run it as a dry run first, then apply.</p>
            <form method="post" action="{page.Url("/audit/run")}" class="filters">{page.Token()}
            <label for="audit-org">Organization</label><input id="audit-org" name="org" type="text" required value="{page.Query("org")}">
            <button type="submit">Run audit</button>
            </form>
            """);
        var jobs = page.Services.GetRequiredService<AuditJobs>().Recent();
        if (jobs.Count > 0)
        {
            html.Add($"<h2>Recent runs</h2><ul class=\"jobs\">");
            foreach (var job in jobs)
            {
                html.Add($"<li><a href=\"{page.Url("/audit/jobs/" + job.Id)}\">{Describe(job)}</a> — {DashboardPage.Time(job.StartedAt)}, {(job.Finished ? (job.Error is null ? "finished" : "failed") : "running")}</li>");
            }

            html.Add($"</ul>");
        }

        return page.Render("Audit", html.ToRaw());
    }

    public static IResult RenderJob(DashboardPage page, string id)
    {
        if (page.Services.GetRequiredService<AuditJobs>().Get(id) is not { } job)
        {
            return Results.NotFound("No such audit run: it may have been dropped from the history.");
        }

        var html = new HtmlBuilder();
        html.Add($"<p><a href=\"{page.Url("/audit") + DashboardPage.QueryOf(("org", job.OrganizationId))}\">All runs</a></p>");
        if (!job.Finished)
        {
            var progress = job.Progress;
            html.Add($"<div class=\"progress\" data-status-url=\"{page.Url("/audit/jobs/" + job.Id + "/status")}\">");
            if (progress?.Total is { } total)
            {
                html.Add($"<progress id=\"progress\" max=\"{total}\" value=\"{progress.Completed}\" aria-describedby=\"progress-text\"></progress>");
            }
            else
            {
                html.Add($"<progress id=\"progress\" aria-describedby=\"progress-text\"></progress>");
            }
            html.Add($"<p id=\"progress-text\" role=\"status\">{ProgressText(progress)}</p></div>");
            return page.Render(Describe(job), html.ToRaw(), statusUrl: "poll");
        }

        if (job.Error is not null)
        {
            html.Add($"<p class=\"notice error\" role=\"alert\">{job.Error}</p>");
            return page.Render(Describe(job), html.ToRaw());
        }

        if (job.Repair is { } repair)
        {
            Actions(page, html, job, repair);
        }

        // A repair's own report is the audit taken before it wrote: showing it after the writes would look like they failed.
        if (job.Kind == AuditJobKind.Audit && job.Report is { } report)
        {
            Findings(page, html, report);
        }

        return page.Render(Describe(job), html.ToRaw());
    }

    public static IResult Status(AuditJobs jobs, string id) => jobs.Get(id) is { } job
        ? Results.Json(new AuditJobStatus(job.Finished, (job.Progress?.Phase ?? FleetPhase.Listing).ToString(), job.Progress?.Completed ?? 0, job.Progress?.Total), AuditJobStatusContext.Default.AuditJobStatus)
        : Results.NotFound();

    private static string ProgressText(FleetProgress? progress) => progress switch
    {
        null => "Starting…",
        { Total: { } total } => $"{progress.Phase}: {progress.Completed} of {total}",
        _ => $"{progress.Phase}: {progress.Completed}",
    };

    private static string Describe(AuditJob job) => job.Kind switch
    {
        AuditJobKind.Audit => $"Audit of {job.OrganizationId}",
        AuditJobKind.DryRun => $"Repair dry run for {job.OrganizationId} ({job.Kinds})",
        _ => $"Repair of {job.OrganizationId} ({job.Kinds})",
    };

    private static void Findings(DashboardPage page, HtmlBuilder html, FleetAuditReport report)
    {
        html.Add($"""
            <h2>Account</h2>
            <dl class="stats">
            <div><dt>Key fingerprint</dt><dd><code>{report.AccountFingerprint}</code></dd></div>
            <div><dt>Assistants</dt><dd>{report.AssistantCount}</dd></div>
            <div><dt>Managed</dt><dd>{report.ManagedCount}</dd></div>
            <div><dt>Unmanaged</dt><dd>{report.UnmanagedCount}</dd></div>
            <div><dt>Audited</dt><dd>{DashboardPage.Time(report.AuditedAt)}</dd></div>
            </dl>
            """);
        if (report.IsClean)
        {
            html.Add($"<p class=\"notice\" role=\"status\" data-clean=\"true\">No findings: the account is clean.</p>");
            return;
        }

        foreach (var (kind, _, title) in Kinds)
        {
            var findings = report.Findings.Where(f => f.Kind == kind).ToList();
            if (findings.Count == 0)
            {
                continue;
            }

            html.Add($"<section aria-labelledby=\"kind-{kind}\" data-kind=\"{kind}\"><h2 id=\"kind-{kind}\">{title} <span class=\"count\">{findings.Count}</span></h2>");
            html.Add($"<table><thead><tr><th scope=\"col\">Assistant id</th><th scope=\"col\">Name</th><th scope=\"col\">Agent</th><th scope=\"col\">Finding</th></tr></thead><tbody>");
            foreach (var finding in findings)
            {
                html.Add($"<tr><td><code>{finding.AssistantId}</code></td><td>{finding.AssistantName ?? "—"}</td><td>{finding.AgentKey ?? "—"}</td><td>{finding.Description}</td></tr>");
            }

            html.Add($"</tbody></table></section>");
        }

        RepairForm(page, html, report);
    }

    private static void RepairForm(DashboardPage page, HtmlBuilder html, FleetAuditReport report)
    {
        html.Add($"<form method=\"post\" action=\"{page.Url("/audit/repair")}\" class=\"repair\">{page.Token()}<input type=\"hidden\" name=\"org\" value=\"{report.OrganizationId}\"><fieldset><legend>Repair these kinds</legend>");
        foreach (var (kind, repair, title) in Kinds)
        {
            var count = report.Count(kind);
            if (count == 0)
            {
                continue;
            }

            // Orphans are deleted, and only when asked: never pre-selected.
            if (kind == FleetFindingKind.Orphan)
            {
                html.Add($"<label><input type=\"checkbox\" name=\"kinds\" value=\"{repair}\"> {title} ({count}) — deletes them</label>");
            }
            else
            {
                html.Add($"<label><input type=\"checkbox\" name=\"kinds\" value=\"{repair}\" checked> {title} ({count})</label>");
            }
        }

        html.Add($"</fieldset><button type=\"submit\" name=\"apply\" value=\"false\">Dry run</button></form>");
    }

    private static void Actions(DashboardPage page, HtmlBuilder html, AuditJob job, FleetRepairResult repair)
    {
        html.Add($"<h2>{(repair.Applied ? "Writes made" : "Writes a repair would make")} <span class=\"count\">{repair.Actions.Count}</span></h2>");
        if (repair.Actions.Count > 0)
        {
            html.Add($"<table data-repair=\"{(repair.Applied ? "applied" : "dry-run")}\"><thead><tr><th scope=\"col\">Assistant id</th><th scope=\"col\">Fixes</th><th scope=\"col\">Write</th><th scope=\"col\">Status</th><th scope=\"col\">Description</th></tr></thead><tbody>");
            foreach (var action in repair.Actions)
            {
                html.Add($"<tr><td><code>{action.AssistantId}</code></td><td>{string.Join(", ", action.Fixes)}</td><td>{action.Operation}</td><td data-status=\"{action.Status}\">{action.Status}</td><td>{action.Description}{(action.Error is null ? string.Empty : " — " + action.Error)}</td></tr>");
            }

            html.Add($"</tbody></table>");
        }

        if (!repair.Applied && repair.Actions.Count > 0)
        {
            html.Add($"<form method=\"post\" action=\"{page.Url("/audit/repair")}\">{page.Token()}<input type=\"hidden\" name=\"org\" value=\"{job.OrganizationId}\">");
            foreach (var flag in Enum.GetValues<FleetRepairKinds>().Where(k => k != FleetRepairKinds.None && job.Kinds.HasFlag(k)))
            {
                html.Add($"<input type=\"hidden\" name=\"kinds\" value=\"{flag}\">");
            }

            html.Add($"<button type=\"submit\" name=\"apply\" value=\"true\" class=\"primary\">Apply these fixes</button></form>");
        }
        else if (repair.Applied)
        {
            html.Add($"{page.Form("/audit/run", [("org", job.OrganizationId)], ("Audit again", null, null))}");
        }
    }
}

/// <summary>What the progress script polls for.</summary>
internal sealed record AuditJobStatus(bool Finished, string Phase, int Completed, int? Total);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AuditJobStatus))]
internal sealed partial class AuditJobStatusContext : JsonSerializerContext;
