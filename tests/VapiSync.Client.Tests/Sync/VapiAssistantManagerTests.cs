using System.Text.Json.Nodes;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;

namespace VapiSync.Client.Tests.Sync;

public sealed class VapiAssistantManagerTests : IDisposable
{
    private readonly SyncHarness _h = new();

    public VapiAssistantManagerTests()
    {
        _h.ReturnsOnList();
        _h.CreateReturnsNew();
    }

    private IVapiClient Client => _h.Client;

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Ensure_NewAgent_CreatesWithSyncKeyInMetadataAndStoresState()
    {
        var request = SyncHarness.Request();
        request.Assistant.Metadata = new JsonObject { ["tenant"] = "acme" };

        var result = await _h.Manager.EnsureAssistantAsync(request);

        Assert.Equal(SyncOutcome.Created, result.Outcome);
        Assert.Equal("Options:PlatformApiKey", result.CredentialSource);
        await Client.Received(1).CreateAssistantAsync(
            Arg.Any<VapiCredential>(),
            Arg.Is<AssistantDefinition>(d => d.Metadata!["vapiSyncKey"]!.GetValue<string>() == "org-1/agent-1" && d.Metadata["tenant"]!.GetValue<string>() == "acme"),
            Arg.Any<CancellationToken>());
        Assert.Equal(result.AssistantId, (await _h.Store.GetAsync("org-1", "agent-1"))!.AssistantId);
        Assert.False(request.Assistant.Metadata.ContainsKey("vapiSyncKey"));
    }

    [Fact]
    public async Task Ensure_SameDefinitionTwice_SecondMakesNoCall()
    {
        var first = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        Client.ClearReceivedCalls();

        var second = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Unchanged, second.Outcome);
        Assert.Equal(first.AssistantId, second.AssistantId);
        Assert.Empty(Client.ReceivedCalls());
    }

    [Fact]
    public async Task Ensure_ReorderedJsonOfSameDefinition_IsUnchanged()
    {
        var a = AssistantDefinition.FromJson("""{"name":"A","model":{"provider":"openai","model":"gpt-4o"},"maxDurationSeconds":60}""");
        var b = AssistantDefinition.FromJson("""{"maxDurationSeconds":60,"model":{"model":"gpt-4o","provider":"openai"},"name":"A"}""");
        await _h.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", "agent-1", a));

        var second = await _h.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", "agent-1", b));

        Assert.Equal(SyncOutcome.Unchanged, second.Outcome);
    }

    [Fact]
    public async Task Ensure_SameDefinitionWithForce_Patches()
    {
        var first = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        var forced = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request() with { Force = true });

        Assert.Equal(SyncOutcome.Updated, forced.Outcome);
        await Client.Received(1).UpdateAssistantAsync(Arg.Any<VapiCredential>(), first.AssistantId, Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_DryRunThroughAHostsOwnClient_ReadsTheAssistantAndNeverWrites()
    {
        var first = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        var stored = await _h.Store.GetAsync("org-1", "agent-1");
        Client.ClearReceivedCalls();
        Client.GetAssistantAsync(Arg.Any<VapiCredential>(), first.AssistantId, Arg.Any<CancellationToken>())
            .Returns(new VapiAssistant { Id = first.AssistantId, Name = "Edited in the dashboard" });

        var plan = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(name: "Front desk") with { DryRun = true });

        Assert.Equal((SyncOutcome.Updated, first.AssistantId, true), (plan.Outcome, plan.AssistantId, plan.IsDryRun));
        var name = Assert.Single(plan.Differences, d => d.Path == "name");
        Assert.Equal(("\"Front desk\"", "\"Edited in the dashboard\""), (name.Expected, name.Actual));
        await Client.DidNotReceiveWithAnyArgs().CreateAssistantAsync(default!, default!, default);
        await Client.DidNotReceiveWithAnyArgs().UpdateAssistantAsync(default!, default!, default!, default);
        await Client.DidNotReceiveWithAnyArgs().DeleteAssistantAsync(default!, default!, default);
        Assert.Equal(stored, await _h.Store.GetAsync("org-1", "agent-1"));
    }

    [Fact]
    public async Task Ensure_SkipUnchangedOff_PatchesEveryTime()
    {
        using var h = new SyncHarness(o => o.SkipUnchanged = false);
        h.ReturnsOnList();
        h.CreateReturnsNew();
        await h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        var second = await h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Updated, second.Outcome);
    }

    [Fact]
    public async Task Ensure_ChangedDefinition_PatchesSameId()
    {
        var first = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        var second = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(name: "Front desk"));

        Assert.Equal(SyncOutcome.Updated, second.Outcome);
        Assert.Equal(first.AssistantId, second.AssistantId);
        await Client.Received(1).UpdateAssistantAsync(
            Arg.Any<VapiCredential>(), first.AssistantId, Arg.Is<AssistantDefinition>(d => d.Name == "Front desk"), Arg.Any<CancellationToken>());
        await Client.Received(1).CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_PatchAnswers404_RecreatesAndStoresNewId()
    {
        var first = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        Client.UpdateAssistantAsync(Arg.Any<VapiCredential>(), first.AssistantId, Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(SyncHarness.ApiError(404));

        var second = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(name: "Changed"));

        Assert.Equal(SyncOutcome.Recreated, second.Outcome);
        Assert.NotEqual(first.AssistantId, second.AssistantId);
        Assert.Equal(second.AssistantId, (await _h.Store.GetAsync("org-1", "agent-1"))!.AssistantId);
    }

    [Fact]
    public async Task Ensure_KnownAssistantIdFromHost_PatchesItWithoutListing()
    {
        var known = Guid.NewGuid().ToString();

        var result = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request() with { KnownAssistantId = known });

        Assert.Equal(SyncOutcome.Updated, result.Outcome);
        Assert.Equal(known, result.AssistantId);
        _ = Client.DidNotReceiveWithAnyArgs().ListAssistantsAsync(default!, default);
        await Client.DidNotReceiveWithAnyArgs().CreateAssistantAsync(default!, default!, default);
    }

    [Fact]
    public async Task Ensure_StateLostButAssistantCarriesSyncKey_AdoptsIt()
    {
        var existing = SyncHarness.Assistant(syncKey: "org-1/agent-1");
        _h.ReturnsOnList(SyncHarness.Assistant(syncKey: "org-1/other"), existing);

        var result = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Adopted, result.Outcome);
        Assert.Equal(existing.Id, result.AssistantId);
        await Client.DidNotReceiveWithAnyArgs().CreateAssistantAsync(default!, default!, default);
    }

    [Fact]
    public async Task Ensure_DuplicatesCarrySyncKey_AdoptsTheOldest()
    {
        var oldest = SyncHarness.Assistant(syncKey: "org-1/agent-1", createdAt: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _h.ReturnsOnList(SyncHarness.Assistant(syncKey: "org-1/agent-1", createdAt: new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero)), oldest);

        var result = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(oldest.Id, result.AssistantId);
    }

    [Fact]
    public async Task Ensure_ManyNewAgents_ListTheAccountOnce()
    {
        for (var i = 0; i < 5; i++)
        {
            await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(agent: $"agent-{i}"));
        }

        _ = Client.Received(1).ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>());
        await Client.Received(5).CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_IndexOlderThanLifetime_ListsAgain()
    {
        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(agent: "a"));
        _h.Time.Advance(TimeSpan.FromMinutes(11));

        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request(agent: "b"));

        _ = Client.Received(2).ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_PostAnswered500ButCreated_AdoptsWithoutSecondPost()
    {
        var created = SyncHarness.Assistant(syncKey: "org-1/agent-1");
        var lists = 0;
        Client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>())
            .Returns(_ => SyncHarness.ToAsync(lists++ == 0 ? [] : [created]));
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(SyncHarness.ApiError(500));

        var result = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Adopted, result.Outcome); // found after a lost answer: adopted, not created
        Assert.Equal(created.Id, result.AssistantId);
        await Client.Received(1).CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_PostAnswered503AndNothingCreated_PostsAgainAfterChecking()
    {
        var id = Guid.NewGuid().ToString();
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .Returns(
                _ => Task.FromException<VapiAssistant>(SyncHarness.ApiError(503)),
                _ => Task.FromResult(SyncHarness.Assistant(id)));

        var result = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(id, result.AssistantId);
        _ = Client.Received(2).ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_PostGotNoAnswerAndNothingListed_FailsWithoutSecondPostAndNextSyncListsAgain()
    {
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new VapiApiException(0, ["timed out"], VapiErrorCodes.Timeout, "POST /assistant"));

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => _h.Manager.EnsureAssistantAsync(SyncHarness.Request()));

        Assert.True(ex.IsNoResponse);
        await Client.Received(1).CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
        Assert.Null(await _h.Store.GetAsync("org-1", "agent-1"));

        // The request landed late: the next sync must find it rather than trust its earlier listing.
        var late = SyncHarness.Assistant(syncKey: "org-1/agent-1");
        _h.ReturnsOnList(late);
        var next = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        Assert.Equal(SyncOutcome.Adopted, next.Outcome);
        Assert.Equal(late.Id, next.AssistantId);
        await Client.Received(1).CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_PostRejectedWith400_ThrowsAndStoresNothing()
    {
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(SyncHarness.ApiError(400));

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => _h.Manager.EnsureAssistantAsync(SyncHarness.Request()));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Null(await _h.Store.GetAsync("org-1", "agent-1"));
        _ = Client.Received(1).ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_PostRateLimited_WaitsRetryAfterThenPostsAgainWithoutListing()
    {
        var id = Guid.NewGuid().ToString();
        var posts = new List<DateTimeOffset>();
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .Returns(
                _ =>
                {
                    lock (posts) { posts.Add(_h.Time.GetUtcNow()); }
                    return Task.FromException<VapiAssistant>(new VapiApiException(System.Net.HttpStatusCode.TooManyRequests, ["slow down"]) { RetryAfter = TimeSpan.FromSeconds(5) });
                },
                _ =>
                {
                    lock (posts) { posts.Add(_h.Time.GetUtcNow()); }
                    return Task.FromResult(SyncHarness.Assistant(id));
                });

        // Fake time moves in small steps until the sync is done: whenever the wait started, the second POST can only
        // go out once 5 s of fake time have passed since the first (no race between the test and the wait's timer).
        var sync = _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!sync.IsCompleted)
        {
            deadline.Token.ThrowIfCancellationRequested();
            await Task.Delay(1, deadline.Token);
            lock (posts)
            {
                if (posts.Count == 1)
                {
                    _h.Time.Advance(TimeSpan.FromMilliseconds(250));
                }
            }
        }

        var result = await sync;
        Assert.Equal(id, result.AssistantId);
        Assert.Equal(2, posts.Count);
        Assert.True(posts[1] - posts[0] >= TimeSpan.FromSeconds(5), $"second POST after {posts[1] - posts[0]}");
        _ = Client.Received(1).ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_CircuitOpen_DoesNotListOrRetry()
    {
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new VapiApiException(0, ["open"], VapiErrorCodes.CircuitOpen, "POST /assistant"));

        await Assert.ThrowsAsync<VapiApiException>(() => _h.Manager.EnsureAssistantAsync(SyncHarness.Request()));

        _ = Client.Received(1).ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>());
        await Client.Received(1).CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_24ConcurrentSavesOfOneAgent_OnePost()
    {
        var gate = new TaskCompletionSource();
        Client.CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .Returns(async _ =>
            {
                await gate.Task;
                return SyncHarness.Assistant();
            });

        var saves = Enumerable.Range(0, 24).Select(_ => Task.Run(() => _h.Manager.EnsureAssistantAsync(SyncHarness.Request()))).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(saves);

        await Client.Received(1).CreateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>());
        Assert.Single(results.Select(r => r.AssistantId).Distinct());
        Assert.Equal(23, results.Count(r => r.Outcome == SyncOutcome.Unchanged));
    }

    [Fact]
    public async Task Ensure_LegacyVoice_SendsNormalizedVoiceAndReportsIt()
    {
        var result = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request() with
        {
            Assistant = new AssistantDefinition { Voice = new VoiceConfig { Provider = "playht", VoiceId = "jennifer" } },
        });

        Assert.True(result.Voice.Changed);
        Assert.Equal("playht", result.Voice.Original!.Provider);
        await Client.Received(1).CreateAssistantAsync(
            Arg.Any<VapiCredential>(),
            Arg.Is<AssistantDefinition>(d => d.Voice!.Provider == "azure" && d.Voice.VoiceId == "en-US-JennyNeural"),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Ensure_ReadOnlyFieldsInHostJson_AreNotSent()
    {
        var definition = AssistantDefinition.FromJson("""{"id":"x","orgId":"o","createdAt":"2025-01-01T00:00:00Z","name":"A","maxDurationSeconds":60}""");

        await _h.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", "agent-1", definition));

        await Client.Received(1).CreateAssistantAsync(
            Arg.Any<VapiCredential>(),
            Arg.Is<AssistantDefinition>(d => !d.ExtensionData!.ContainsKey("id") && !d.ExtensionData.ContainsKey("orgId") && d.ExtensionData.ContainsKey("maxDurationSeconds")),
            Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("", "agent")]
    [InlineData("  ", "agent")]
    [InlineData("org", "")]
    [InlineData("org", " ")]
    public async Task Ensure_BlankIds_ThrowArgumentExceptionBeforeAnyCall(string org, string agent)
    {
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _h.Manager.EnsureAssistantAsync(new AssistantSyncRequest(org, agent, new AssistantDefinition())));

        Assert.Contains(org.Trim().Length == 0 ? "OrganizationId" : "AgentKey", ex.ParamName, StringComparison.Ordinal);
        Assert.Empty(Client.ReceivedCalls());
    }

    [Fact]
    public async Task Ensure_NullDefinition_ThrowsBeforeAnyCall()
    {
        var ex = await Assert.ThrowsAsync<ArgumentNullException>(() => _h.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org", "agent", null!)));

        Assert.Contains("Assistant", ex.ParamName, StringComparison.Ordinal);
        Assert.Empty(Client.ReceivedCalls());
    }

    [Fact]
    public async Task Ensure_NameLongerThan40_ThrowsValidationNamingTheField()
    {
        var ex = await Assert.ThrowsAsync<VapiValidationException>(() => _h.Manager.EnsureAssistantAsync(SyncHarness.Request(name: new string('n', 41))));

        Assert.StartsWith("Assistant.Name", Assert.Single(ex.Errors), StringComparison.Ordinal);
        Assert.Empty(Client.ReceivedCalls());
        Assert.Null(await _h.Store.GetAsync("org-1", "agent-1"));
    }

    [Fact]
    public async Task Ensure_VoiceWithoutProvider_ThrowsValidationNamingTheField()
    {
        var request = SyncHarness.Request() with { Assistant = new AssistantDefinition { Voice = new VoiceConfig { VoiceId = "x" } } };

        var ex = await Assert.ThrowsAsync<VapiValidationException>(() => _h.Manager.EnsureAssistantAsync(request));

        Assert.StartsWith("Assistant.Voice.Provider", Assert.Single(ex.Errors), StringComparison.Ordinal);
        Assert.Empty(Client.ReceivedCalls());
    }

    [Fact]
    public async Task Ensure_KnownAssistantIdNotAUuid_ThrowsValidation()
    {
        var ex = await Assert.ThrowsAsync<VapiValidationException>(() =>
            _h.Manager.EnsureAssistantAsync(SyncHarness.Request() with { KnownAssistantId = "not-a-uuid" }));

        Assert.StartsWith("KnownAssistantId", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ensure_NoCredentialAnywhere_ThrowsNotFoundBeforeAnyCall()
    {
        using var h = new SyncHarness(o => o.PlatformApiKey = null);

        await Assert.ThrowsAsync<VapiCredentialNotFoundException>(() => h.Manager.EnsureAssistantAsync(SyncHarness.Request()));

        Assert.Empty(h.Client.ReceivedCalls());
    }

    [Fact]
    public async Task Delete_KnownAgent_DeletesRemotelyAndForgetsState()
    {
        var created = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        Client.DeleteAssistantAsync(Arg.Any<VapiCredential>(), created.AssistantId, Arg.Any<CancellationToken>()).Returns(true);

        var deleted = await _h.Manager.DeleteAssistantAsync("org-1", "agent-1");

        Assert.True(deleted);
        Assert.Null(await _h.Store.GetAsync("org-1", "agent-1"));
        var recreated = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        Assert.Equal(SyncOutcome.Created, recreated.Outcome);
    }

    [Fact]
    public async Task Delete_PinnedAssistant_ThrowsAndKeepsState()
    {
        var created = await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        Client.DeleteAssistantAsync(Arg.Any<VapiCredential>(), created.AssistantId, Arg.Any<CancellationToken>())
            .ThrowsAsync(SyncHarness.ApiError(409, "assistant_pinned"));

        var ex = await Assert.ThrowsAsync<VapiApiException>(() => _h.Manager.DeleteAssistantAsync("org-1", "agent-1"));

        Assert.Equal("assistant_pinned", ex.ErrorCode);
        Assert.Equal(created.AssistantId, (await _h.Store.GetAsync("org-1", "agent-1"))!.AssistantId);
    }

    [Fact]
    public async Task Delete_UnknownAgent_ReturnsFalseWithoutDelete()
    {
        var deleted = await _h.Manager.DeleteAssistantAsync("org-1", "nobody");

        Assert.False(deleted);
        await Client.DidNotReceiveWithAnyArgs().DeleteAssistantAsync(default!, default!, default);
    }

    [Fact]
    public async Task Ensure_ApiKeyNeverAppearsInLogs()
    {
        await _h.Manager.EnsureAssistantAsync(SyncHarness.Request());
        Client.UpdateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<string>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(SyncHarness.ApiError(500));
        await Assert.ThrowsAsync<VapiApiException>(() => _h.Manager.EnsureAssistantAsync(SyncHarness.Request(name: "x")));

        var records = _h.Logs.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.DoesNotContain(SyncHarness.PlatformKey, r.Message + r.Exception, StringComparison.Ordinal));
        Assert.Contains(records, r => r.Id.Id == 1000 && r.StructuredState!.Any(s => s.Key == "Outcome" && s.Value == "Created"));
    }
}
