namespace VapiSync.Client.Tests.Queue;

/// <summary>A contract test; the in-memory store always runs it (the PostgreSQL test project defines its own, skipped without a server).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;
