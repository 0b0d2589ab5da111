using System.Transactions;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests;

/// <summary>
/// Review (branch review3): defects found in the PostgreSQL state store after the batching merge. Each test failed on
/// main at 644e47e.
/// </summary>
public sealed class ReviewFindingsTests : IAsyncLifetime
{
    private readonly string _schema = Postgres.NewSchema();
    private FakeVapiServer _vapi = null!;

    public async Task InitializeAsync() => _vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-pg" });

    public async Task DisposeAsync()
    {
        await _vapi.DisposeAsync();
        if (Postgres.ConnectionString is not null)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    private static CancellationToken Deadline(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static AssistantSyncRequest Request(string agent) =>
        new("org-1", agent, new AssistantDefinition { Name = "Agent", Voice = new VoiceConfig { Provider = "azure", VoiceId = "en-US-AriaNeural" } });

    private string LeaseTable => $"\"{_schema}\".assistant_lease";

    /// <summary>
    /// A host that saves inside its own <see cref="TransactionScope"/> (an EF Core unit of work, say) and rolls it back
    /// must not roll back the library's lease and state rows: the assistant exists in Vapi either way, and losing its
    /// state row makes the next sync create a second one. Npgsql enlists in an ambient transaction by default.
    /// </summary>
    [PostgresFact]
    public async Task Sync_InsideHostTransactionScopeThatRollsBack_StateRowIsStillStored()
    {
        await using var instance = new Instance(_vapi, _schema);
        await instance.Store.MigrateAsync();
        string assistantId;
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            assistantId = (await instance.Manager.EnsureAssistantAsync(Request("agent"), Deadline())).AssistantId;

            // not completed: the host's own work failed and its transaction rolls back
        }

        var state = await instance.Store.GetAsync("org-1", "agent", Deadline());
        Assert.NotNull(state);
        Assert.Equal(assistantId, state.AssistantId);
    }

    /// <summary>
    /// The batcher's drain loop runs in the execution context of whichever caller started it, so a take of a caller
    /// outside any transaction rides in another caller's ambient transaction: when that one rolls back, the first
    /// caller believes it holds a lease whose row never committed, and another instance takes the same agent at once.
    /// </summary>
    [PostgresFact]
    public async Task BatchedTake_OfACallerOutsideAnyTransaction_IsNotRolledBackWithAnotherCallersScope()
    {
        await using var a = new Instance(_vapi, _schema);
        await using var b = new Instance(_vapi, _schema);
        await a.Store.MigrateAsync();
        Task<(long Token, Internal.StateRead State)?> outside;
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            var inside = a.Store.TryTakeAsync("org-1", "inside", Deadline());
            using (new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled))
            {
                outside = a.Store.TryTakeAsync("org-1", "outside", Deadline());
            }

            await Task.WhenAll(inside, outside).WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.NotNull(await outside); // a believes it holds "outside"

        // ... so no other instance may take it now.
        Assert.Null(await b.Store.TryTakeAsync("org-1", "outside", Deadline()));
        Assert.Equal(1L, await Postgres.ScalarAsync<long>($"SELECT count(*) FROM {LeaseTable} WHERE agent_key = 'outside' AND owner IS NOT NULL"));
    }
}
