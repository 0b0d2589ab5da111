using System.Diagnostics;
using System.Net;
using Polly.CircuitBreaker;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

public sealed class SyncScenarioTests
{
    [Fact]
    public async Task Save_CreateThenUnchangedThenUpdate_OneAssistantLatestState()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();

        var created = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        host.Server.ClearRequests();
        var unchanged = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        var requestsForUnchanged = host.Server.Requests.Count;
        var updated = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Front desk"), ct);

        Assert.Equal(SyncOutcome.Created, created.Outcome);
        Assert.Equal(SyncOutcome.Unchanged, unchanged.Outcome);
        Assert.Equal(0, requestsForUnchanged);
        Assert.Equal(SyncOutcome.Updated, updated.Outcome);
        Assert.Equal(created.AssistantId, updated.AssistantId);
        Assert.Equal(1, host.Count("PATCH", "/assistant/" + created.AssistantId));
        var assistant = Assert.Single(host.AssistantsOf("agent-1"));
        Assert.Equal("Front desk", assistant["name"]!.GetValue<string>());
        Assert.Equal("agent-1", assistant["metadata"]!["crmId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Save_LegacyVoice_NormalizedBeforeSendingSoVapiAcceptsIt()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();

        // Proof the fake rejects the raw legacy voice the way Vapi does...
        var raw = await Assert.ThrowsAsync<VapiApiException>(() => host.Client.CreateAssistantAsync(
            new VapiCredential(IntegrationHost.PlatformKey, "test"), IntegrationHost.Request(provider: "playht", voiceId: "jennifer").Assistant, ct));
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        Assert.Contains(raw.Messages, m => m.Contains("playht", StringComparison.Ordinal));

        // ...and the manager sends the normalized one.
        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(provider: "playht", voiceId: "jennifer"), ct);

        Assert.True(result.Voice.Changed);
        var voice = Assert.Single(host.AssistantsOf("agent-1"))["voice"]!;
        Assert.Equal("azure", voice["provider"]!.GetValue<string>());
        Assert.Equal("en-US-JennyNeural", voice["voiceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Save_AssistantDeletedInVapi_Recreated()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var created = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        host.Server.RemoveAssistant(IntegrationHost.PlatformAccount, created.AssistantId);

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Changed"), ct);

        Assert.Equal(SyncOutcome.Recreated, result.Outcome);
        Assert.NotEqual(created.AssistantId, result.AssistantId);
        Assert.Equal(result.AssistantId, Assert.Single(host.AssistantsOf("agent-1"))["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Save_LostPostResponse_StillOneAssistant()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.CommitThenFail(500));

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(SyncOutcome.Adopted, result.Outcome); // found after the lost answer, not created by this call
        Assert.Equal(1, host.Count("POST"));
        Assert.Equal(result.AssistantId, Assert.Single(host.AssistantsOf("agent-1"))["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Save_PostCommittedButAnswerStalledPastTimeout_AdoptsWhatVapiCreated()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o => o.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(500)));
        var ct = IntegrationHost.Deadline();
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.CommitThenStall(TimeSpan.FromSeconds(20)));

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(SyncOutcome.Adopted, result.Outcome);
        Assert.Equal(1, host.Count("POST"));
        Assert.Equal(result.AssistantId, Assert.Single(host.AssistantsOf("agent-1"))["id"]!.GetValue<string>());
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 1004);
    }

    [Fact]
    public async Task Save_PostConnectionResetBeforeCommit_FailsTypedThenNextSyncCreatesExactlyOne()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.ConnectionReset());

        var first = await Assert.ThrowsAsync<VapiApiException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct));
        Assert.True(first.IsNoResponse);
        Assert.Empty(host.AssistantsOf("agent-1"));

        var second = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(SyncOutcome.Created, second.Outcome);
        Assert.Equal(2, host.Count("POST"));
        Assert.Equal(4, host.Count("GET", "/assistant")); // first lookup, check after the reset, relist (uncertain), the create's convergence listing
        Assert.Single(host.AssistantsOf("agent-1"));
    }

    [Fact]
    public async Task Save_24ConcurrentSavesOfOneAgent_OnePost()
    {
        await using var host = await IntegrationHost.StartAsync(serverOptions: new FakeVapiServerOptions { Latency = TimeSpan.FromMilliseconds(20) });
        var ct = IntegrationHost.Deadline();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct))));

        Assert.Equal(1, host.Count("POST"));
        Assert.Single(host.AssistantsOf("agent-1"));
        Assert.Single(results.Select(r => r.AssistantId).Distinct());
    }

    [Fact]
    public async Task Update_503Twice_RetriedBySafePipeline()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var created = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        host.Server.Faults.Enqueue("PATCH", "/assistant/{id}", Fault.Status(503), times: 2);

        var updated = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "After outage"), ct);

        Assert.Equal(SyncOutcome.Updated, updated.Outcome);
        Assert.Equal(3, host.Count("PATCH"));
        Assert.Equal("After outage", Assert.Single(host.AssistantsOf("agent-1"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_503Twice_CheckedAndPostedAgainOneAssistant()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        host.Server.Faults.Enqueue("POST", "/assistant", Fault.Status(503), times: 2);

        var created = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(SyncOutcome.Created, created.Outcome);
        Assert.Equal(3, host.Count("POST"));
        Assert.Single(host.AssistantsOf("agent-1"));
    }

    [Fact]
    public async Task Update_429WithRetryAfter2_WaitsAtLeastTwoSeconds()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);
        host.Server.Faults.Enqueue("PATCH", "/assistant/{id}", Fault.Status(429, TimeSpan.FromSeconds(2)));

        var watch = Stopwatch.StartNew();
        var updated = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: "Rate limited"), ct);
        watch.Stop();

        Assert.Equal(SyncOutcome.Updated, updated.Outcome);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.95), $"waited only {watch.Elapsed}");
        var patches = host.Server.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.Equal([429, 200], patches.Select(r => r.StatusCode));
        Assert.True(patches[1].Timestamp - patches[0].Timestamp >= TimeSpan.FromSeconds(1.95));
    }

    [Fact]
    public async Task Post_NeverRetriedByPipeline_EvenWhenUserRetriesEverything()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o =>
        {
            o.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null || args.Outcome.Result?.IsSuccessStatusCode == false);
            o.Retry.MaxRetryAttempts = 5;
        }));
        var ct = IntegrationHost.Deadline();
        var credential = new VapiCredential(IntegrationHost.PlatformKey, "test");
        host.Server.Faults.Enqueue("*", "*", Fault.Status(503), times: 2);

        var post = await Assert.ThrowsAsync<VapiApiException>(() => host.Client.CreateAssistantAsync(credential, new AssistantDefinition { Name = "x" }, ct));
        var list = await host.Client.ListAssistantsAsync(credential, ct).ToListAsync(ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(1, host.Count("POST"));
        Assert.Empty(list);
        Assert.Equal(2, host.Count("GET"));
    }

    [Fact]
    public async Task Breaker_SustainedServerErrors_OpensAndResetClosesWithoutRestart()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o =>
        {
            o.Retry.MaxRetryAttempts = 1;
            o.CircuitBreaker.MinimumThroughput = 4;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(5);
        }));
        var ct = IntegrationHost.Deadline();
        var credential = new VapiCredential(IntegrationHost.PlatformKey, "test");
        var missing = Guid.NewGuid().ToString();
        host.Server.Faults.Enqueue("GET", "/assistant/{id}", Fault.Status(500), times: 100);

        for (var i = 0; i < 4 && host.Breaker.State == CircuitState.Closed; i++)
        {
            await Assert.ThrowsAsync<VapiApiException>(() => host.Client.GetAssistantAsync(credential, missing, ct));
        }

        Assert.Equal(CircuitState.Open, host.Breaker.State);
        Assert.NotNull(host.Breaker.OpenedAt);
        var before = host.Server.Requests.Count;
        var fastFail = await Assert.ThrowsAsync<VapiApiException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct));
        Assert.Equal(VapiErrorCodes.CircuitOpen, fastFail.ErrorCode);
        Assert.Equal(before, host.Server.Requests.Count);

        host.Server.Faults.Clear();
        await host.Breaker.ResetAsync(ct);
        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(CircuitState.Closed, host.Breaker.State);
        Assert.Null(host.Breaker.OpenedAt);
        Assert.Equal(SyncOutcome.Created, result.Outcome);
    }

    [Fact]
    public async Task Breaker_ClientErrorsNeverOpenIt()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o =>
        {
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.FailureRatio = 0.1;
        }));
        var ct = IntegrationHost.Deadline();
        var credential = new VapiCredential(IntegrationHost.PlatformKey, "test");

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(await host.Client.GetAssistantAsync(credential, Guid.NewGuid().ToString(), ct));
            await Assert.ThrowsAsync<VapiApiException>(() => host.Client.CreateAssistantAsync(credential, new AssistantDefinition { Name = new string('x', 50) }, ct));
        }

        Assert.Equal(CircuitState.Closed, host.Breaker.State);
    }

    [Fact]
    public async Task Breaker_IsolateThenReset_ControlsTrafficAtRunTime()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();

        await host.Breaker.IsolateAsync(ct);
        var isolated = await Assert.ThrowsAsync<VapiApiException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct));
        await host.Breaker.ResetAsync(ct);
        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct);

        Assert.Equal(VapiErrorCodes.CircuitOpen, isolated.ErrorCode);
        Assert.Equal(SyncOutcome.Created, result.Outcome);
    }

    [Fact]
    public async Task Restart_EmptyStateStore_AdoptsInsteadOfDuplicating()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        for (var i = 0; i < 5; i++)
        {
            await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: $"agent-{i}"), ct);
        }

        await using var restarted = host.Another();
        host.Server.ClearRequests();
        var results = new List<AssistantSyncResult>();
        for (var i = 0; i < 5; i++)
        {
            results.Add(await restarted.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: $"agent-{i}"), ct));
        }

        Assert.All(results, r => Assert.Equal(SyncOutcome.Adopted, r.Outcome));
        Assert.Equal(0, host.Count("POST"));
        Assert.Equal(1, host.Count("GET", "/assistant"));
        Assert.Equal(5, host.Server.GetAssistants(IntegrationHost.PlatformAccount).Count);
    }

    [Fact]
    public async Task Credentials_OrgKeyUsesItsOwnAccount_OthersFallBackToPlatform()
    {
        await using var host = await IntegrationHost.StartAsync(
            build: b => b.AddCredentialProvider<HostKeyStore>());
        host.Server.AddApiKey("sk-acme-own-key", "acme-account");
        var ct = IntegrationHost.Deadline();

        var acme = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "acme"), ct);
        var noKey = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "globex"), ct);
        var brokenStore = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: "broken"), ct);

        Assert.Equal("HostKeyStore", acme.CredentialSource);
        Assert.Single(host.AssistantsOf("agent-1", "acme", "acme-account"));
        Assert.Equal("Options:PlatformApiKey", noKey.CredentialSource);
        Assert.Single(host.AssistantsOf("agent-1", "globex"));
        Assert.Equal("Options:PlatformApiKey", brokenStore.CredentialSource);
        Assert.Contains(host.Logs.Collector.GetSnapshot(), r => r.Id.Id == 2001 && r.Message.Contains(nameof(HostKeyStore), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_RemovesRemotelyAndPinnedIsTypedConflict()
    {
        await using var host = await IntegrationHost.StartAsync();
        var ct = IntegrationHost.Deadline();
        var a = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "a"), ct);
        var b = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(agent: "b"), ct);
        host.Server.PinAssistant(IntegrationHost.PlatformAccount, b.AssistantId);

        Assert.True(await host.Manager.DeleteAssistantAsync("org-1", "a", ct));
        var pinned = await Assert.ThrowsAsync<VapiApiException>(() => host.Manager.DeleteAssistantAsync("org-1", "b", ct));

        Assert.Empty(host.AssistantsOf("a"));
        Assert.Equal(HttpStatusCode.Conflict, pinned.StatusCode);
        Assert.Equal("assistant_pinned", pinned.ErrorCode);
        Assert.Single(host.AssistantsOf("b"));
        Assert.False(await host.Manager.DeleteAssistantAsync("org-1", "a", ct));
    }

    [Fact]
    public async Task UnknownKey_401WithVapisMessage()
    {
        await using var host = await IntegrationHost.StartAsync(o => o.PlatformApiKey = "sk-wrong");
        var ct = IntegrationHost.Deadline();

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.StartsWith("Invalid Key", Assert.Single(ex.Messages), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong", ex.ToString(), StringComparison.Ordinal);
    }

    internal sealed class HostKeyStore : ICredentialProvider
    {
        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) => organizationId switch
        {
            "acme" => ValueTask.FromResult<VapiCredential?>(new VapiCredential("sk-acme-own-key", nameof(HostKeyStore))),
            "broken" => throw new InvalidOperationException("key store unavailable"),
            _ => ValueTask.FromResult<VapiCredential?>(null),
        };
    }
}
