using System.ComponentModel.DataAnnotations;

namespace VapiSync.Client.Dashboard;

/// <summary>Settings of the operations dashboard mounted by <c>MapVapiSyncDashboard</c>.</summary>
public sealed class VapiSyncDashboardOptions
{
    /// <summary>Gets or sets the title shown in the page header and the browser tab.</summary>
    /// <value>The default value is <c>"VapiSync"</c>.</value>
    [Required]
    public string Title { get; set; } = "VapiSync";

    /// <summary>Gets or sets how many rows the Agents and Queue pages show per page.</summary>
    /// <value>The default value is 25. Valid values are 1 to 500.</value>
    [Range(1, 500)]
    public int PageSize { get; set; } = 25;

    /// <summary>Gets or sets how many finished audits and repairs the Audit page keeps in memory.</summary>
    /// <value>The default value is 20. Valid values are 1 to 1000.</value>
    [Range(1, 1000)]
    public int AuditHistory { get; set; } = 20;
}
