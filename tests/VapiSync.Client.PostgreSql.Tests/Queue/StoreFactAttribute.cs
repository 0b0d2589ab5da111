using VapiSync.Client.PostgreSql.Tests;

namespace VapiSync.Client.Tests.Queue;

/// <summary>A store contract test against PostgreSQL, skipped exactly when a <see cref="PostgresFactAttribute"/> test is.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute
{
    public StoreFactAttribute() => Skip = new PostgresFactAttribute().Skip;
}
