namespace VapiSync.Client.Fleet.Internal;

/// <summary>Rejects bad fleet requests before any I/O, saying which field to fix.</summary>
internal static class FleetRequestValidator
{
    public static void Validate(FleetAuditRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.OrganizationId))
        {
            throw new ArgumentException("FleetAuditRequest.OrganizationId is required.", nameof(request));
        }

        if (!Enum.IsDefined(request.OrphanSource))
        {
            throw new ArgumentException($"FleetAuditRequest.OrphanSource {request.OrphanSource} is not a FleetOrphanSource value.", nameof(request));
        }

        if (request.LiveAgentKeys?.Any(string.IsNullOrWhiteSpace) == true)
        {
            throw new ArgumentException("FleetAuditRequest.LiveAgentKeys contains an empty agent key.", nameof(request));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var agent in request.Agents ?? throw new ArgumentException("FleetAuditRequest.Agents must not be null.", nameof(request)))
        {
            if (agent is null || string.IsNullOrWhiteSpace(agent.AgentKey) || agent.Definition is null)
            {
                throw new ArgumentException("FleetAuditRequest.Agents needs an agent key and a definition for every agent.", nameof(request));
            }

            if (!seen.Add(agent.AgentKey))
            {
                throw new ArgumentException($"FleetAuditRequest.Agents lists agent '{agent.AgentKey}' twice.", nameof(request));
            }
        }
    }

    public static void Validate(FleetRepairRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request.Audit ?? throw new ArgumentException("FleetRepairRequest.Audit is required.", nameof(request)));
        if ((request.Kinds & ~FleetRepairKinds.All) != 0)
        {
            throw new ArgumentException($"FleetRepairRequest.Kinds {request.Kinds} has unknown flags.", nameof(request));
        }

        if (request.MaxDegreeOfParallelism is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.MaxDegreeOfParallelism, "FleetRepairRequest.MaxDegreeOfParallelism must be between 1 and 64.");
        }

        if (request.AssistantIds?.Any(string.IsNullOrWhiteSpace) == true)
        {
            throw new ArgumentException("FleetRepairRequest.AssistantIds contains an empty id.", nameof(request));
        }
    }
}
