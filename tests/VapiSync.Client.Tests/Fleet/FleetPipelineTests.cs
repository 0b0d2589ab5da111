using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using NSubstitute;
using VapiSync.Client.Credentials;
using VapiSync.Client.Fleet;
using VapiSync.Client.Http;

namespace VapiSync.Client.Tests.Fleet;

/// <summary>
/// An applied repair PATCHes the voices nothing else can change while the listing still runs. The listings here wait
/// on the repair's own writes, so a repair that waited for the whole audit would never finish (the deadline fails it).
/// </summary>
public sealed class FleetPipelineTests
{
    private const string First = "00000000-0000-4000-8000-000000000001";
    private const string Second = "00000000-0000-4000-8000-000000000002";
    private const string Stuck = "00000000-0000-4000-8000-000000000003";

    [Fact]
    public async Task RepairAsync_Apply_PatchesAVoiceListedFirstBeforeTheListingEnds()
    {
        using var harness = new SyncHarness();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var firstPatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var patched = Record(harness, (id, _) =>
        {
            if (id == First)
            {
                firstPatched.TrySetResult();
            }

            return Task.FromResult(new VapiAssistant { Id = id });
        });
        harness.Client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>())
            .Returns(ci => List([Legacy(First)], firstPatched.Task.WaitAsync(deadline.Token), [Legacy(Second)], null, ci.ArgAt<CancellationToken>(1)));

        var result = await harness.Get<IVapiFleet>().RepairAsync(Request(), cancellationToken: deadline.Token);

        Assert.Equal([First, Second], patched);
        Assert.Equal([(First, FleetRepairStatus.Done), (Second, FleetRepairStatus.Done)], result.Actions.Select(a => (a.AssistantId, a.Status)));
        Assert.Equal(2, result.Audit.Count(FleetFindingKind.LegacyVoice));
    }

    [Fact]
    public async Task RepairAsync_ListingFailsAfterEarlyWrites_ThrowsTheListingsErrorWithNoWriteLeftRunning()
    {
        using var harness = new SyncHarness();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var firstPatched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuckStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task? stuckWrite = null;
        Task<VapiAssistant>? stuckCall = null;
        var patched = Record(harness, (id, cancellationToken) =>
        {
            if (id == Stuck)
            {
                stuckWrite = Task.Delay(Timeout.Infinite, cancellationToken);
                stuckStarted.TrySetResult();
                stuckCall = stuckWrite.ContinueWith(t => t.IsCanceled ? throw new OperationCanceledException() : new VapiAssistant { Id = id }, TaskScheduler.Default);
                return stuckCall;
            }

            firstPatched.TrySetResult();
            return Task.FromResult(new VapiAssistant { Id = id });
        });
        var failure = new VapiApiException(HttpStatusCode.ServiceUnavailable, ["listing failed"]);
        harness.Client.ListAssistantsAsync(Arg.Any<VapiCredential>(), Arg.Any<CancellationToken>())
            .Returns(ci => List([Legacy(First), Legacy(Stuck)], Task.WhenAll(firstPatched.Task, stuckStarted.Task).WaitAsync(deadline.Token), [Legacy(Second)], failure, ci.ArgAt<CancellationToken>(1)));

        var thrown = await Assert.ThrowsAsync<VapiApiException>(() => harness.Get<IVapiFleet>().RepairAsync(Request(), cancellationToken: deadline.Token));

        Assert.Same(failure, thrown);
        Assert.Equal([First, Stuck], patched.Order(StringComparer.Ordinal));
        Assert.True(stuckWrite!.IsCanceled, "the write still in flight when the audit failed was not stopped");
        Assert.True(stuckCall!.IsCompleted, "the repair returned while a write was still running");
    }

    private static FleetRepairRequest Request() =>
        new(new FleetAuditRequest("org-1") { OrphanSource = FleetOrphanSource.None }, FleetRepairKinds.All) { Apply = true, MaxDegreeOfParallelism = 4 };

    /// <summary>Records the id of every PATCH, then answers with <paramref name="answer"/>.</summary>
    private static List<string> Record(SyncHarness harness, Func<string, CancellationToken, Task<VapiAssistant>> answer)
    {
        var patched = new List<string>();
        harness.Client.UpdateAssistantAsync(Arg.Any<VapiCredential>(), Arg.Any<string>(), Arg.Any<AssistantDefinition>(), Arg.Any<CancellationToken>())
            .Returns(ci =>
            {
                var id = ci.ArgAt<string>(1);
                lock (patched)
                {
                    patched.Add(id);
                }

                return answer(id, ci.ArgAt<CancellationToken>(3));
            });
        return patched;
    }

    /// <summary>A listing whose first page comes at once and whose rest waits for <paramref name="gate"/> (then fails, when asked to).</summary>
    private static async IAsyncEnumerable<VapiAssistant> List(
        VapiAssistant[] firstPage, Task gate, VapiAssistant[] secondPage, Exception? failure, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var assistant in firstPage)
        {
            yield return assistant;
        }

        await gate.WaitAsync(cancellationToken);
        foreach (var assistant in secondPage)
        {
            yield return failure is null ? assistant : throw failure;
        }
    }

    /// <summary>An unmanaged assistant with a voice the default rules replace (PlayHT).</summary>
    private static VapiAssistant Legacy(string id) => new()
    {
        Id = id,
        Name = "Legacy " + id[^1],
        Voice = new VoiceConfig { Provider = "playht", VoiceId = "jennifer" },
        Metadata = new JsonObject(),
        CreatedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };
}
