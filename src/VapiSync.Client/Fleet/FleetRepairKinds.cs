namespace VapiSync.Client.Fleet;

/// <summary>Which kinds of findings a repair fixes.</summary>
[Flags]
public enum FleetRepairKinds
{
    /// <summary>Nothing: the repair only audits.</summary>
    None = 0,

    /// <summary>PATCH legacy voices in place (managed and unmanaged assistants; no sync key is added).</summary>
    LegacyVoices = 1,

    /// <summary>Delete the losers of duplicate groups.</summary>
    Duplicates = 2,

    /// <summary>Delete orphaned assistants. Never implied: ask for it explicitly.</summary>
    Orphans = 4,

    /// <summary>Re-apply the definition of drifted agents (<see cref="FleetRepairOperation.Reapply"/>).</summary>
    Drift = 8,

    /// <summary>Every kind, orphans included: name it only when deleting orphans is meant.</summary>
    All = LegacyVoices | Duplicates | Orphans | Drift,
}
