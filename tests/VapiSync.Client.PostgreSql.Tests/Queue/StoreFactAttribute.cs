using VapiSync.Client.PostgreSql.Tests;

namespace VapiSync.Client.Tests.Queue;

/// <summary>A contract test against PostgreSQL: skipped outside CI without <c>VAPISYNC_POSTGRES</c>, like <see cref="PostgresFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute
{
    public StoreFactAttribute()
    {
        if (Postgres.ConnectionString is null && !Postgres.InCi)
        {
            Skip = "VAPISYNC_POSTGRES is not set: run `eval \"$(bash .ci/postgres.sh start)\"` first (CI always runs these tests).";
        }
    }
}
