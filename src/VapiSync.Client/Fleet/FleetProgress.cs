namespace VapiSync.Client.Fleet;

/// <summary>Progress of an audit or repair, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Phase">Where the work is.</param>
/// <param name="Completed">Assistants listed or classified, or fixes finished, so far in this phase.</param>
/// <param name="Total">
/// How many there are in this phase; <see langword="null"/> while unknown (listing, and an applied repair's writes that
/// start while the listing runs, before the plan is known).
/// </param>
public sealed record FleetProgress(FleetPhase Phase, int Completed, int? Total);
