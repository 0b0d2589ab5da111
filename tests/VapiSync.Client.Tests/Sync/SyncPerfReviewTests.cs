using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using NSubstitute;
using VapiSync.Client.Http;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

/// <summary>Independent review of the sync-overhead rewrite (pooled canonical body, lazy-semaphore lock).</summary>
public sealed class SyncPerfReviewTests
{
    [Fact]
    public void CanonicalBody_ManySmallProperties_KeepsNoMoreThan64KiBOfScratchOnTheThread()
    {
        // Well under the 64 KiB body that drops the scratch, but thousands of properties: the property stack grows too.
        var metadata = new JsonObject();
        for (var i = 0; i < 4000; i++)
        {
            metadata[i.ToString("x3")] = 0;
        }

        var body = DefinitionHash.CanonicalBody(new AssistantDefinition { Metadata = metadata }, null, "vapiSyncKey", "k");
        Assert.True(body.Length < 64 * 1024, $"body of {body.Length} bytes");

        var scratch = typeof(DefinitionHash).GetField("t_scratch", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null);
        if (scratch is null)
        {
            return; // nothing retained at all
        }

        var entries = (Array)scratch.GetType().GetField("Entries")!.GetValue(scratch)!;
        var entrySize = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(entries.GetType().GetElementType()!).Invoke(null, null)!;
        var retained = (long)entries.Length * entrySize;
        Assert.True(retained <= 64 * 1024, $"the thread keeps a property stack of {entries.Length} entries ({retained / 1024} KiB) after one wide definition");
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void CanonicalBody_NumberJsonCannotCarry_IsAValidationError(double value)
    {
        var definition = new AssistantDefinition { Model = new JsonObject { ["temperature"] = JsonValue.Create(value) } };

        var error = Assert.Throws<VapiValidationException>(() => DefinitionHash.CanonicalBody(definition, null, "vapiSyncKey", "k"));

        Assert.Contains(error.ValidationErrors, e => e.Field == "Assistant.Model");

        // The thread's scratch, interrupted mid-write, still gives the next definition its own bytes.
        var next = DefinitionHash.CanonicalBody(new AssistantDefinition { Name = "n" }, null, "vapiSyncKey", "k");
        Assert.Equal("""{"metadata":{"vapiSyncKey":"k"},"name":"n"}""", Encoding.UTF8.GetString(next));
    }

    [Fact]
    public async Task Ensure_ModelWithNaN_ThrowsValidationErrorAndSendsNothing()
    {
        using var h = new SyncHarness();
        h.ReturnsOnList();
        h.CreateReturnsNew();
        var request = SyncHarness.Request();
        request.Assistant.Model = new JsonObject { ["provider"] = "openai", ["temperature"] = JsonValue.Create(double.NaN) };

        await Assert.ThrowsAsync<VapiValidationException>(() => h.Manager.EnsureAssistantAsync(request));

        Assert.Empty(h.Client.ReceivedCalls());
    }

    [Fact]
    public void CanonicalBody_ManyThreadsAtOnce_EachGetsItsOwnDefinitionsBytes()
    {
        // Thread-static scratch: bodies computed in parallel (small and scratch-dropping large ones mixed) equal the sequential ones.
        var definitions = Enumerable.Range(0, 200).Select(i =>
        {
            var metadata = new JsonObject { ["i"] = i, ["pad"] = new string('p', i % 7 == 0 ? 70_000 : i) };
            return new AssistantDefinition { Name = $"agent-{i}", Metadata = metadata, Model = new JsonObject { ["z"] = i, ["a"] = new JsonArray(i, "x") } };
        }).ToArray();
        var expected = definitions.Select(d => Encoding.UTF8.GetString(DefinitionHash.CanonicalBody(d, null, "vapiSyncKey", "k"))).ToArray();

        var actual = new string[definitions.Length];
        Parallel.For(0, definitions.Length * 5, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var i = n % definitions.Length;
            var body = Encoding.UTF8.GetString(DefinitionHash.CanonicalBody(definitions[i], null, "vapiSyncKey", "k"));
            Assert.Equal(expected[i], body);
            actual[i] = body;
        });

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Acquire_ThousandCallersOneAgentRandomCancellation_OneHolderTokensIncreaseNothingHangsOrLeaks()
    {
        // Per caller: cancelled before it starts, cancelled while it may be waiting (by another caller), or never; holds across a yield or not.
        var plan = Gen.Select(Gen.Int[0, 9].Array[1000], Gen.Bool.Array[1000], Gen.Int[0, 999]);
        await plan.SampleAsync(async (kinds, yields, canceller) =>
        {
            var syncLock = new InProcessAssistantSyncLock();
            using var waiting = new CancellationTokenSource();
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            var holders = 0;
            var overlap = 0;
            var acquired = 0;
            var lastToken = 0L;
            var tokensInOrder = true;
            var order = new object();
            var callers = Enumerable.Range(0, kinds.Length).Select(i => Task.Run(async () =>
            {
                var token = kinds[i] switch { 0 => cancelled.Token, 1 or 2 => waiting.Token, _ => CancellationToken.None };
                try
                {
                    await using var lease = await syncLock.AcquireLeaseAsync("org", "agent", token);
                    if (Interlocked.Increment(ref holders) != 1)
                    {
                        Interlocked.Increment(ref overlap);
                    }

                    lock (order)
                    {
                        tokensInOrder &= lease.FencingToken > lastToken;
                        lastToken = lease.FencingToken;
                    }

                    if (yields[i])
                    {
                        await Task.Yield();
                    }

                    Interlocked.Decrement(ref holders);
                    Interlocked.Increment(ref acquired);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                }

                if (i == canceller)
                {
                    await waiting.CancelAsync();
                }
            })).ToArray();

            // A guard against a hang only: every caller finishes long before this on a healthy lock.
            await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal(0, overlap);
            Assert.True(tokensInOrder, "fencing tokens did not increase in the order the lock was held");
            Assert.True(acquired >= kinds.Count(k => k >= 3), $"only {acquired} callers got the lock");
            Assert.Equal(0, syncLock.Count);
        }, iter: 15, threads: 1);
    }
}
