using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VapiSync.Client.Fleet;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>What an audit job runs.</summary>
internal enum AuditJobKind
{
    Audit,
    DryRun,
    Apply,
}

/// <summary>One audit or repair running in the background, so the page can show its progress and its result.</summary>
internal sealed class AuditJob : IProgress<FleetProgress>
{
    private volatile FleetProgress? _progress;

    public required string Id { get; init; }

    public required AuditJobKind Kind { get; init; }

    public required string OrganizationId { get; init; }

    public required FleetRepairKinds Kinds { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public FleetProgress? Progress => _progress;

    public FleetAuditReport? Report { get; set; }

    public FleetRepairResult? Repair { get; set; }

    public string? Error { get; set; }

    public Task Completion { get; set; } = Task.CompletedTask;

    public bool Finished => Completion.IsCompleted;

    void IProgress<FleetProgress>.Report(FleetProgress value) => _progress = value;
}

/// <summary>Starts audits and repairs off the request thread and keeps the last few for the Audit page.</summary>
internal sealed partial class AuditJobs(
    IServiceProvider services,
    IOptions<VapiSyncDashboardOptions> options,
    TimeProvider time,
    ILogger<AuditJobs> logger)
{
    private readonly ConcurrentDictionary<string, AuditJob> _jobs = new(StringComparer.Ordinal);

    public AuditJob Start(AuditJobKind kind, string organizationId, FleetRepairKinds kinds)
    {
        var job = new AuditJob
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Kind = kind,
            OrganizationId = organizationId,
            Kinds = kinds,
            StartedAt = time.GetUtcNow(),
        };
        _jobs[job.Id] = job;
        Trim();
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        job.Completion = Task.Run(() => RunAsync(job, stopping), CancellationToken.None);
        return job;
    }

    public AuditJob? Get(string id) => _jobs.GetValueOrDefault(id);

    public IReadOnlyList<AuditJob> Recent() => [.. _jobs.Values.OrderByDescending(j => j.StartedAt)];

    private async Task RunAsync(AuditJob job, CancellationToken cancellationToken)
    {
        try
        {
            var fleet = services.GetRequiredService<IVapiFleet>();
            var audit = new FleetAuditRequest(job.OrganizationId);
            if (job.Kind == AuditJobKind.Audit)
            {
                job.Report = await fleet.AuditAsync(audit, job, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var request = new FleetRepairRequest(audit, job.Kinds) { Apply = job.Kind == AuditJobKind.Apply };
                job.Repair = await fleet.RepairAsync(request, job, cancellationToken).ConfigureAwait(false);
                job.Report = job.Repair.Audit;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Error = "The host is stopping: the job was cancelled. Writes already made stay made; run it again to finish.";
        }
#pragma warning disable CA1031 // A failed job is shown on its page; the library's messages never carry a key.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            job.Error = ex is VapiSyncException { ErrorCode: { } code } ? $"{code}: {ex.Message}" : ex.Message;
            JobFailed(logger, job.Kind, job.OrganizationId, ex);
        }
    }

    private void Trim()
    {
        foreach (var old in Recent().Where(j => j.Finished).Skip(options.Value.AuditHistory))
        {
            _jobs.TryRemove(old.Id, out _);
        }
    }

    [LoggerMessage(9100, LogLevel.Warning, "Dashboard {Kind} of organization {OrganizationId} failed")]
    private static partial void JobFailed(ILogger logger, AuditJobKind kind, string organizationId, Exception exception);
}
