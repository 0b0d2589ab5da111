using System.Diagnostics;

namespace VapiSync.Client.Diagnostics;

/// <summary>The names under which the library reports its traces and metrics.</summary>
public static class VapiSyncTelemetry
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>: <c>VapiSync.Client</c>.</summary>
    public const string Name = "VapiSync.Client";

    internal static readonly ActivitySource ActivitySource = new(Name, typeof(VapiSyncTelemetry).Assembly.GetName().Version?.ToString(3));

    internal static Activity? StartSync(string organizationId, string agentKey)
    {
        var activity = ActivitySource.StartActivity("vapisync sync");
        activity?.SetTag("vapisync.organization_id", organizationId);
        activity?.SetTag("vapisync.agent_key", agentKey);
        return activity;
    }
}
