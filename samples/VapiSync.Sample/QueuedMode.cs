using VapiSync.Client;
using VapiSync.Client.PostgreSql;
using VapiSync.Client.Queue;

namespace VapiSync.Sample;

/// <summary>
/// The queued mode: a save is stored and answered with 202 and a status URL at once, then applied in the background —
/// also while Vapi is down or rate-limited. With <c>ConnectionStrings:VapiSyncQueue</c> set, the queue lives in
/// PostgreSQL (durable, shared by every instance); otherwise in memory.
/// </summary>
internal static partial class QueuedMode
{
    public static IVapiSyncBuilder AddSampleQueue(this IVapiSyncBuilder builder, IConfiguration configuration)
    {
        builder.AddSyncQueue(o => configuration.GetSection("Sample:Queue").Bind(o))
            .AddSyncQueueObserver<AssistantIdRecorder>();
        if (configuration.GetConnectionString("VapiSyncQueue") is { Length: > 0 } connectionString)
        {
            builder.UsePostgreSqlSyncQueue(connectionString);
        }

        return builder;
    }

    public static void MapQueueEndpoints(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/queue/organizations/{orgId}/agents/{agentId}");

        agents.MapPut("/", async (string orgId, string agentId, AssistantDefinition definition, IVapiSyncQueue queue, CancellationToken ct) =>
        {
            var entry = await queue.EnqueueAsync(new AssistantSyncRequest(orgId, agentId, definition), ct);
            return Results.Accepted(StatusUrl(orgId, agentId), Status(entry));
        });

        agents.MapDelete("/", async (string orgId, string agentId, IVapiSyncQueue queue, CancellationToken ct) =>
        {
            var entry = await queue.EnqueueDeleteAsync(orgId, agentId, ct);
            return Results.Accepted(StatusUrl(orgId, agentId), Status(entry));
        });

        agents.MapGet("/", async (string orgId, string agentId, IVapiSyncQueue queue, CancellationToken ct) =>
            await queue.GetAsync(orgId, agentId, ct) is { } entry ? Results.Ok(Status(entry)) : Results.NotFound());

        agents.MapPost("/retry", async (string orgId, string agentId, IVapiSyncQueue queue, CancellationToken ct) =>
            await queue.RetryAsync(orgId, agentId, ct) ? Results.Accepted(StatusUrl(orgId, agentId)) : Results.Conflict());

        agents.MapPost("/discard", async (string orgId, string agentId, IVapiSyncQueue queue, CancellationToken ct) =>
            await queue.DiscardAsync(orgId, agentId, ct) ? Results.NoContent() : Results.Conflict());

        app.MapGet("/queue", async (SyncQueueState? state, string? continuationToken, IVapiSyncQueue queue, CancellationToken ct) =>
        {
            var stats = await queue.GetStatisticsAsync(ct);
            var page = await queue.ListAsync(new SyncQueueQuery { State = state, ContinuationToken = continuationToken }, ct);
            return Results.Ok(new
            {
                stats.Depth,
                stats.Pending,
                stats.Processing,
                stats.Failing,
                stats.Parked,
                stats.Synced,
                OldestPendingAgeSeconds = stats.OldestPendingAge.TotalSeconds,
                Items = page.Items.Select(Status),
                page.ContinuationToken,
            });
        });
    }

    private static string StatusUrl(string orgId, string agentId) =>
        $"/queue/organizations/{Uri.EscapeDataString(orgId)}/agents/{Uri.EscapeDataString(agentId)}";

    private static object Status(SyncQueueEntry entry) => new
    {
        entry.OrganizationId,
        entry.AgentKey,
        State = entry.State.ToString(),
        Operation = entry.Operation.ToString(),
        entry.Version,
        entry.EnqueuedAt,
        entry.Attempts,
        entry.NextAttemptAt,
        LastError = entry.LastError is { } e ? new { e.ErrorCode, e.Message, StatusCode = (int)e.StatusCode } : null,
        entry.ParkedReason,
        entry.AssistantId,
        Outcome = entry.Outcome?.ToString(),
        entry.CompletedAt,
        StatusUrl = StatusUrl(entry.OrganizationId, entry.AgentKey),
    };

    /// <summary>Where a real host would write the assistant id into its own agents table; the sample logs it.</summary>
    private sealed partial class AssistantIdRecorder(ILogger<AssistantIdRecorder> logger) : IVapiSyncQueueObserver
    {
        public ValueTask OnCompletedAsync(SyncQueueCompletion completion, CancellationToken cancellationToken)
        {
            Recorded(logger, completion.OrganizationId, completion.AgentKey, completion.State, completion.AssistantId);
            return ValueTask.CompletedTask;
        }

        [LoggerMessage(LogLevel.Information, "Queued sync of agent {AgentKey} of organization {OrganizationId} finished: {State}, assistant {AssistantId}")]
        private static partial void Recorded(ILogger logger, string organizationId, string agentKey, SyncQueueState state, string? assistantId);
    }
}
