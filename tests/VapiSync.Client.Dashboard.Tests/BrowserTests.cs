using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using VapiSync.Client.Queue;
using VapiSync.Client.Testing;
using Xunit.Abstractions;

namespace VapiSync.Client.Dashboard.Tests;

/// <summary>The dashboard in a real headless Chromium, against the library and a FakeVapiServer.</summary>
public sealed class BrowserTests(Browser browser, ITestOutputHelper output) : IClassFixture<Browser>
{
    [BrowserFact]
    public async Task Overview_OpenBreaker_ShownAndResetClosesIt()
    {
        await using var host = await DashboardHost.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", $"desk-{i}", DashboardHost.Definition($"Desk {i}")));
        }

        await host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", "desk-0", DashboardHost.Definition("Desk 0")));
        var failed = await OpenBreakerAsync(host);
        Assert.Equal(CircuitState.Open, host.Breaker.State);

        await browser.OpenAsync(host.DashboardUrl);
        Assert.Equal("Open", browser.Find("tr[data-circuit] [data-state]").Text);
        Assert.Contains($"3 written, 1 unchanged, {failed} failed", browser.Find("#outcomes + figure figcaption").Text, StringComparison.Ordinal);
        browser.Screenshot("overview", output);

        await browser.SubmitAsync(browser.Button("Reset", "//tr[@data-circuit]//form"));

        Assert.Contains("Circuit closed", (await browser.WaitForAsync("p.notice[role=status]")).Text, StringComparison.Ordinal);
        Assert.Equal("Closed", browser.Find("tr[data-circuit] [data-state]").Text);
        Assert.Equal(CircuitState.Closed, host.Breaker.State);
    }

    [BrowserFact]
    public async Task Queue_ParkedItem_RetriedAndLands()
    {
        await using var host = await DashboardHost.StartAsync();
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.Status(400));
        var request = new AssistantSyncRequest("org-1", "agent-parked", DashboardHost.Definition("Parked line"));
        var parked = await host.CompletionAsync("agent-parked", SyncQueueState.Parked, () => host.Queue.EnqueueAsync(request).AsTask());
        Assert.NotNull(parked.Error);

        await browser.OpenAsync(new Uri(host.DashboardUrl + "/queue?state=Parked"));
        var row = browser.Find("tr[data-agent='agent-parked']");
        Assert.Equal("Parked", row.GetAttribute("data-state"));
        Assert.Contains(parked.Error.ErrorCode, row.Text, StringComparison.Ordinal);
        browser.Screenshot("queue", output);

        var synced = await host.CompletionAsync("agent-parked", SyncQueueState.Synced, () => browser.SubmitAsync(browser.Button("Retry", "//tr[@data-agent='agent-parked']//form")));

        Assert.Contains("due again", (await browser.WaitForAsync("p.notice[role=status]")).Text, StringComparison.Ordinal);
        Assert.Contains(host.Server.GetAssistants(DashboardHost.Account), a => (string?)a["id"] == synced.AssistantId && (string?)a["name"] == "Parked line");
        await browser.OpenAsync(new Uri(host.DashboardUrl + "/queue"));
        Assert.Equal("Synced", browser.Find("tr[data-agent='agent-parked']").GetAttribute("data-state"));
    }

    [BrowserFact]
    public async Task Audit_SeededLegacyVoice_FoundThenDryRunThenRepaired()
    {
        await using var host = await DashboardHost.StartAsync();
        var legacy = host.Server.SeedAssistant(DashboardHost.Account, new JsonObject
        {
            ["name"] = "Old front desk",
            ["voice"] = new JsonObject { ["provider"] = "playht", ["voiceId"] = "jennifer" },
        });

        await browser.OpenAsync(new Uri(host.DashboardUrl + "/audit"));
        browser.Find("#audit-org").SendKeys("org-1");
        await browser.SubmitAsync(browser.Button("Run audit"));
        var findings = await browser.WaitForAsync("section[data-kind='LegacyVoice']");
        Assert.Contains(legacy, findings.Text, StringComparison.Ordinal);
        browser.Screenshot("audit", output);

        await browser.SubmitAsync(browser.Button("Dry run"));
        var plan = await browser.WaitForAsync("table[data-repair='dry-run']");
        Assert.Contains(legacy, plan.Text, StringComparison.Ordinal);
        Assert.Equal("playht", VoiceProvider(host, legacy));

        await browser.SubmitAsync(browser.Button("Apply these fixes"));
        var applied = await browser.WaitForAsync("table[data-repair='applied']");
        Assert.Contains(legacy, applied.Text, StringComparison.Ordinal);
        Assert.Equal("Done", browser.Find("table[data-repair='applied'] td[data-status]").Text);
        Assert.NotEqual("playht", VoiceProvider(host, legacy));
        browser.Screenshot("audit-repaired", output);

        await browser.SubmitAsync(browser.Button("Audit again"));
        Assert.Equal("true", (await browser.WaitForAsync("[data-clean]")).GetAttribute("data-clean"));
    }

    [BrowserFact]
    public async Task Agents_ForceOnAnAgent_QueuesItsDefinitionAndItIsApplied()
    {
        await using var host = await DashboardHost.StartAsync();
        var definition = DashboardHost.Definition("Front desk");
        host.Definitions.Set("org-1", "agent-1", definition);
        var first = await host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", "agent-1", definition));

        await browser.OpenAsync(new Uri(host.DashboardUrl + "/agents?q=agent-1"));
        var row = browser.Find("tr[data-agent='agent-1']");
        Assert.Contains(first.AssistantId, row.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(DashboardHost.Key, browser.Driver.PageSource, StringComparison.Ordinal);
        browser.Screenshot("agents", output);

        var done = await host.CompletionAsync("agent-1", SyncQueueState.Synced, () => browser.SubmitAsync(browser.Button("Force", "//tr[@data-agent='agent-1']//form")));

        Assert.Contains("queued with force", (await browser.WaitForAsync("p.notice[role=status]")).Text, StringComparison.Ordinal);
        Assert.Equal(first.AssistantId, done.AssistantId);
        Assert.Equal(SyncOutcome.Updated, done.Outcome);
    }

    /// <summary>Transient failures trip the breaker for real (the test host opens it after two failed calls).</summary>
    /// <returns>How many syncs failed on the way.</returns>
    private static async Task<int> OpenBreakerAsync(DashboardHost host)
    {
        host.Server.Faults.Enqueue("*", "*", Fault.Status(503), times: 50);
        var failed = 0;
        for (; failed < 5 && host.Breaker.State != CircuitState.Open; failed++)
        {
            await Assert.ThrowsAnyAsync<VapiSyncException>(() => host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", $"agent-{failed}", DashboardHost.Definition())));
        }

        host.Server.Faults.Clear();
        return failed;
    }

    private static string? VoiceProvider(DashboardHost host, string assistantId) =>
        (string?)host.Server.GetAssistants(DashboardHost.Account).Single(a => (string?)a["id"] == assistantId)["voice"]?["provider"];
}
