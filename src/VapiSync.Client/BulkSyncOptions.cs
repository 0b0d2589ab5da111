using System.ComponentModel.DataAnnotations;

namespace VapiSync.Client;

/// <summary>How <see cref="IVapiAssistantManager.EnsureAssistantsAsync"/> runs.</summary>
public sealed class BulkSyncOptions
{
    /// <summary>Gets or sets how many syncs run at once.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int MaxDegreeOfParallelism { get; set; } = 8;
}
