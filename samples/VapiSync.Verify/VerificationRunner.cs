using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Polly.CircuitBreaker;
using VapiSync.Client;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Verify;

/// <summary>The checks, in the order a reader follows the story: an inbound agent save, then everything that goes wrong.</summary>
internal static class VerificationRunner
{
    private const string FakePlatformKey = "sk-verify-platform-key";
    private const string FakeAcmeKey = "sk-verify-acme-own-key";

    public static async Task<VerificationReport> RunAsync(VerifyOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var fake = options.AgainstFake
            ? await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = FakePlatformKey, DefaultAccountId = "platform-account" }, cancellationToken)
            : null;
        fake?.AddApiKey(FakeAcmeKey, "acme-account");
        var run = new Run(
            fake,
            fake?.BaseAddress ?? options.BaseUrl!,
            fake is null ? options.ApiKey! : FakePlatformKey,
            Guid.NewGuid().ToString("N")[..8]);

        await output.WriteLineAsync($"VapiSync.Client verification (run {run.Id}) against {(fake is null ? run.BaseUrl : $"the embedded FakeVapiServer at {run.BaseUrl}")}");
        var report = new VerificationReport();
        await using (var host = run.NewHost())
        {
            var checks = new (string Name, bool NeedsFake, Func<VerifyHost, Task<string>> Body)[]
            {
                ("Inbound agent save with a legacy voice: normalized, then created", false, h => run.LegacyVoiceCreatedAsync(h, cancellationToken)),
                ("Same save again: unchanged, no request sent", false, h => run.UnchangedAsync(h, cancellationToken)),
                ("Changed agent: PATCHed in place, same assistant id", false, h => run.UpdatedAsync(h, cancellationToken)),
                ("Organization with its own key: that key is used", true, h => run.OwnKeyAsync(h, cancellationToken)),
                ("Organization without a key: platform key used, source named", false, h => run.NoKeyFallbackAsync(h, cancellationToken)),
                ("Organization whose key store throws: warning logged, platform key used", false, h => run.BrokenStoreFallbackAsync(h, cancellationToken)),
                ("Assistant deleted in Vapi: recreated on the next save", false, h => run.RecreatedAsync(h, cancellationToken)),
                ("Lost POST response (created, then 502): still exactly one assistant", true, h => run.LostResponseAsync(h, cancellationToken)),
                ("24 concurrent saves of one agent: one POST", false, h => run.ConcurrentAsync(h, cancellationToken)),
                ("Restarted host with empty state: adopts, does not duplicate", false, _ => run.RestartAdoptsAsync(cancellationToken)),
                ("Sustained 5xx: breaker opens, ResetAsync closes it, no restart", true, h => run.BreakerResetAsync(h, cancellationToken)),
                ("Breaker isolated at run time, then reset: traffic flows again", false, h => run.IsolateResetAsync(h, cancellationToken)),
                ("Vapi down for a while, saves keep coming: all converge after it is back", true, _ => QueueCheck.VapiDownSavesConvergeAsync(fake!, FakePlatformKey, run.Id, cancellationToken)),
                ("Messy account: audited, repaired, audited clean; a second repair writes nothing", true, _ => FleetCheck.MessyAccountRepairedAsync(fake!, cancellationToken)),
                ("Key store down, then up: one assistant, in the organization's account", true, h => run.StoreDownThenUpAsync(h, cancellationToken)),
            };

            foreach (var (name, needsFake, body) in checks)
            {
                if (needsFake && fake is null)
                {
                    report.Skipped++;
                    await output.WriteLineAsync($" - {name}: SKIPPED (cannot be provoked on a real server)");
                    continue;
                }

                try
                {
                    var evidence = await body(host);
                    report.Passed++;
                    await output.WriteLineAsync($" \u2713 {name}\n     {evidence}");
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    report.Failed++;
                    report.Failures.Add(name);
                    await output.WriteLineAsync($" \u2717 {name}\n     {ex.GetType().Name}: {ex.Message}");
                }
            }

            if (fake is null)
            {
                await output.WriteLineAsync($"Cleaned up {await run.CleanUpAsync(host, CancellationToken.None)} assistant(s) created by this run.");
            }
        }

        await output.WriteLineAsync($"verify: {report.Passed} passed, {report.Failed} failed, {report.Skipped} skipped");
        return report;
    }

    private sealed class Run(FakeVapiServer? fake, Uri baseUrl, string platformKey, string id)
    {
        private readonly ConcurrentDictionary<(string Org, string Agent), bool> _agents = new();
        private readonly DemoKeyStore _keyStore = new(new Dictionary<string, string> { [$"acme-{id}"] = FakeAcmeKey, [$"acme-west-{id}"] = FakeAcmeKey });

        public Uri BaseUrl { get; } = baseUrl;

        public string Id { get; } = id;

        public RequestCounter Counter { get; } = new();

        public LogCollector Logs { get; } = new();

        private string Globex => $"globex-{Id}";

        public VerifyHost NewHost() => new(BaseUrl, platformKey, _keyStore, Counter, Logs);

        public async Task<string> LegacyVoiceCreatedAsync(VerifyHost host, CancellationToken ct)
        {
            var before = Counter.Take();
            var result = await SaveAsync(host, Globex, "support", Agent("Support", "Thanks for calling!", "playht", "jennifer"), ct);
            Expect(result.Outcome == SyncOutcome.Created, $"expected Created, got {result.Outcome}");
            Expect(result.Voice is { Changed: true, Result.Provider: "azure", Result.VoiceId: "en-US-JennyNeural" }, $"voice not normalized: {result.Voice}");
            var remote = await host.Client.GetAssistantAsync(new VapiCredential(platformKey, "verify"), result.AssistantId, ct);
            Expect(remote?.Voice?.VoiceId == "en-US-JennyNeural", "Vapi does not hold the normalized voice");
            return $"{result.Voice} · {result.Outcome} {result.AssistantId} · {before.Since(Counter)}";
        }

        public async Task<string> UnchangedAsync(VerifyHost host, CancellationToken ct)
        {
            var before = Counter.Take();
            var result = await SaveAsync(host, Globex, "support", Agent("Support", "Thanks for calling!", "playht", "jennifer"), ct);
            Expect(result.Outcome == SyncOutcome.Unchanged, $"expected Unchanged, got {result.Outcome}");
            Expect(before.Total(Counter) == 0, $"expected no request, saw {before.Since(Counter)}");
            return $"{result.Outcome} {result.AssistantId} · {before.Since(Counter)}";
        }

        public async Task<string> UpdatedAsync(VerifyHost host, CancellationToken ct)
        {
            var first = await SaveAsync(host, Globex, "support", Agent("Support", "Thanks for calling!", "playht", "jennifer"), ct);
            var before = Counter.Take();
            var result = await SaveAsync(host, Globex, "support", Agent("Support", "Hello, support here.", "playht", "jennifer"), ct);
            Expect(result.Outcome == SyncOutcome.Updated && result.AssistantId == first.AssistantId, $"expected Updated {first.AssistantId}, got {result.Outcome} {result.AssistantId}");
            Expect(before.Count(Counter, "PATCH") == 1 && before.Count(Counter, "POST") == 0, $"expected one PATCH, saw {before.Since(Counter)}");
            return $"{result.Outcome} {result.AssistantId} · {before.Since(Counter)}";
        }

        public async Task<string> OwnKeyAsync(VerifyHost host, CancellationToken ct)
        {
            var result = await SaveAsync(host, $"acme-{Id}", "sales", Agent("Sales", "Hi!", "vapi", "Elliot"), ct);
            Expect(result.CredentialSource == nameof(DemoKeyStore), $"expected the host's key store, got {result.CredentialSource}");
            var inOwnAccount = fake!.GetAssistants("acme-account").Any(a => a["id"]!.GetValue<string>() == result.AssistantId);
            Expect(inOwnAccount, "the assistant is not in the organization's own Vapi account");
            return $"credential source {result.CredentialSource} · assistant {result.AssistantId} in the organization's own account";
        }

        public async Task<string> NoKeyFallbackAsync(VerifyHost host, CancellationToken ct)
        {
            var result = await SaveAsync(host, Globex, "billing", Agent("Billing", "Billing, hello.", "azure", "en-US-AriaNeural"), ct);
            Expect(result.CredentialSource == "Options:PlatformApiKey", $"expected Options:PlatformApiKey, got {result.CredentialSource}");
            return $"{Globex}: no key in the host's store → credential source {result.CredentialSource} · {result.Outcome} {result.AssistantId}";
        }

        public async Task<string> BrokenStoreFallbackAsync(VerifyHost host, CancellationToken ct)
        {
            var org = $"{DemoKeyStore.BrokenPrefix}{Id}";
            var result = await SaveAsync(host, org, "frontdesk", Agent("Front desk", "Welcome!", "vapi", "Kylie"), ct);
            Expect(result.CredentialSource == "Options:PlatformApiKey", $"expected Options:PlatformApiKey, got {result.CredentialSource}");
            var warning = Logs.Entries.FirstOrDefault(e => e.EventId == 2001 && e.Message.Contains(org, StringComparison.Ordinal));
            Expect(warning.Message is not null, "no warning naming the failed provider was logged");
            return $"logged \"{warning.Message}\" → credential source {result.CredentialSource} · voice {result.Voice}";
        }

        public async Task<string> RecreatedAsync(VerifyHost host, CancellationToken ct)
        {
            var first = await SaveAsync(host, Globex, "callback", Agent("Callback", "We'll call you back.", "azure", "en-US-AriaNeural"), ct);
            var credential = new VapiCredential(platformKey, "verify");
            Expect(await host.Client.DeleteAssistantAsync(credential, first.AssistantId, ct), "could not delete the assistant behind the library's back");
            var result = await SaveAsync(host, Globex, "callback", Agent("Callback", "We will call you back soon.", "azure", "en-US-AriaNeural"), ct);
            Expect(result.Outcome == SyncOutcome.Recreated && result.AssistantId != first.AssistantId, $"expected Recreated, got {result.Outcome} {result.AssistantId}");
            return $"deleted {first.AssistantId} in Vapi → PATCH got 404 → {result.Outcome} {result.AssistantId}";
        }

        public async Task<string> LostResponseAsync(VerifyHost host, CancellationToken ct)
        {
            fake!.Faults.Enqueue("POST", "/assistant", Fault.CommitThenFail(502));
            var before = Counter.Take();
            var result = await SaveAsync(host, Globex, "lost-response", Agent("Lost response", "Hello.", "azure", "en-US-AriaNeural"), ct);
            var copies = fake.GetAssistants("platform-account").Count(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>() == $"{Globex}/lost-response");
            Expect(copies == 1, $"expected one assistant, Vapi holds {copies}");
            Expect(before.Count(Counter, "POST") == 1, $"expected one POST, saw {before.Since(Counter)}");
            return $"Vapi created it and answered 502 → listed, found by sync key → {result.Outcome} {result.AssistantId} · {copies} assistant · {before.Since(Counter)}";
        }

        public async Task<string> ConcurrentAsync(VerifyHost host, CancellationToken ct)
        {
            var before = Counter.Take();
            var definition = Agent("Concurrent", "Hi there.", "azure", "en-US-AriaNeural");
            var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => SaveAsync(host, Globex, "concurrent", definition, ct), ct)));
            var ids = results.Select(r => r.AssistantId).Distinct().ToList();
            Expect(ids.Count == 1 && before.Count(Counter, "POST") == 1, $"expected one assistant and one POST, got {ids.Count} ids and {before.Since(Counter)}");
            return $"24 saves → {results.Count(r => r.Outcome == SyncOutcome.Created)} Created, {results.Count(r => r.Outcome == SyncOutcome.Unchanged)} Unchanged · {before.Since(Counter)}";
        }

        public async Task<string> RestartAdoptsAsync(CancellationToken ct)
        {
            await using var restarted = NewHost();
            var before = Counter.Take();
            var result = await SaveAsync(restarted, Globex, "support", Agent("Support", "Hello, support here.", "playht", "jennifer"), ct);
            Expect(result.Outcome == SyncOutcome.Adopted && before.Count(Counter, "POST") == 0, $"expected Adopted without POST, got {result.Outcome} · {before.Since(Counter)}");
            return $"new process, empty state → found by metadata sync key → {result.Outcome} {result.AssistantId} · {before.Since(Counter)}";
        }

        public async Task<string> BreakerResetAsync(VerifyHost host, CancellationToken ct)
        {
            var credential = new VapiCredential(platformKey, "verify");
            fake!.Faults.Enqueue("GET", "/assistant/{id}", Fault.Status(500), times: 1000);
            var failures = 0;
            while (host.Breaker.State == CircuitState.Closed && failures < 50)
            {
                try
                {
                    await host.Client.GetAssistantAsync(credential, Guid.NewGuid().ToString(), ct);
                }
                catch (VapiApiException)
                {
                    failures++;
                }
            }

            Expect(host.Breaker.State == CircuitState.Open, $"breaker did not open after {failures} failures");
            var before = Counter.Take();
            var blocked = await Record(() => SaveAsync(host, Globex, "support", Agent("Support", "While open", "azure", "en-US-AriaNeural"), ct));
            Expect(blocked?.ErrorCode == VapiErrorCodes.CircuitOpen && before.Total(Counter) == 0, "calls were not failing fast while open");
            fake.Faults.Clear();
            await host.Breaker.ResetAsync(ct);
            var result = await SaveAsync(host, Globex, "support", Agent("Support", "After reset", "azure", "en-US-AriaNeural"), ct);
            return $"opened after {failures} failed calls · while open: {blocked!.ErrorCode}, 0 requests · ResetAsync → {host.Breaker.State} · save {result.Outcome}";
        }

        public async Task<string> IsolateResetAsync(VerifyHost host, CancellationToken ct)
        {
            await host.Breaker.IsolateAsync(ct);
            var before = Counter.Take();
            var blocked = await Record(() => SaveAsync(host, Globex, "support", Agent("Support", "While isolated", "azure", "en-US-AriaNeural"), ct));
            Expect(blocked?.ErrorCode == VapiErrorCodes.CircuitOpen && before.Total(Counter) == 0, "calls were not blocked while isolated");
            await host.Breaker.ResetAsync(ct);
            var result = await SaveAsync(host, Globex, "support", Agent("Support", "Back to normal", "azure", "en-US-AriaNeural"), ct);
            Expect(result.Outcome == SyncOutcome.Updated, $"expected Updated after reset, got {result.Outcome}");
            return $"isolated: {blocked!.ErrorCode}, 0 requests · ResetAsync → {host.Breaker.State} · save {result.Outcome} {result.AssistantId}";
        }

        public async Task<string> StoreDownThenUpAsync(VerifyHost host, CancellationToken ct)
        {
            var org = $"acme-west-{Id}";
            var definition = Agent("Reception", "Welcome to Acme West.", "azure", "en-US-AriaNeural");
            _keyStore.Outages[org] = true;
            var down = await SaveAsync(host, org, "reception", definition, ct);
            _keyStore.Outages.TryRemove(org, out _);
            Expect(down.Outcome == SyncOutcome.Created && down.CredentialSource == "Options:PlatformApiKey", $"store down: expected Created via Options:PlatformApiKey, got {down.Outcome} via {down.CredentialSource}");
            var before = Counter.Take();
            var up = await SaveAsync(host, org, "reception", definition, ct);
            Expect(up.Outcome == SyncOutcome.Moved && up.CredentialSource == nameof(DemoKeyStore), $"store up: expected Moved via {nameof(DemoKeyStore)}, got {up.Outcome} via {up.CredentialSource}");
            var inOrganization = fake!.GetAssistants("acme-account").Where(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>() == $"{org}/reception").ToList();
            var inPlatform = fake.GetAssistants("platform-account").Count(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>() == $"{org}/reception");
            Expect(inOrganization.Count == 1 && inOrganization[0]["id"]!.GetValue<string>() == up.AssistantId, $"expected the assistant in the organization's account, found {inOrganization.Count}");
            Expect(inPlatform == 0 && up.Orphans.Count == 0, $"expected nothing left in the platform account, found {inPlatform} (orphans reported: {up.Orphans.Count})");
            return $"store down: {down.Outcome} {down.AssistantId} via {down.CredentialSource} · store up: {up.Outcome} {up.AssistantId} via {up.CredentialSource} · "
                + $"organization account 1, platform account {inPlatform} · {before.Since(Counter)}";
        }

        public async Task<int> CleanUpAsync(VerifyHost host, CancellationToken ct)
        {
            var deleted = 0;
            foreach (var (org, agent) in _agents.Keys)
            {
                try
                {
                    deleted += await host.Manager.DeleteAssistantAsync(org, agent, ct) ? 1 : 0;
                }
                catch (VapiApiException)
                {
                    // Reported by the count; the run's sync keys make leftovers easy to find.
                }
            }

            return deleted;
        }

        private async Task<AssistantSyncResult> SaveAsync(VerifyHost host, string org, string agent, AssistantDefinition definition, CancellationToken ct)
        {
            _agents.TryAdd((org, agent), true);
            return await host.Manager.EnsureAssistantAsync(new AssistantSyncRequest(org, agent, definition), ct);
        }

        private static async Task<VapiApiException?> Record(Func<Task> action)
        {
            try
            {
                await action();
                return null;
            }
            catch (VapiApiException ex)
            {
                return ex;
            }
        }

        private static AssistantDefinition Agent(string name, string firstMessage, string provider, string voiceId) => new()
        {
            Name = name,
            FirstMessage = firstMessage,
            Voice = new VoiceConfig { Provider = provider, VoiceId = voiceId },
            Model = new JsonObject
            {
                ["provider"] = "openai",
                ["model"] = "gpt-4o-mini",
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = $"You are the {name} assistant. Be brief." }),
            },
        };

        private static void Expect(bool condition, string failure)
        {
            if (!condition)
            {
                throw new InvalidOperationException(failure);
            }
        }
    }
}

/// <summary>Counts of the run.</summary>
internal sealed class VerificationReport
{
    public int Passed { get; set; }

    public int Failed { get; set; }

    public int Skipped { get; set; }

    public List<string> Failures { get; } = [];
}
