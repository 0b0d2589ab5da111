namespace VapiSync.Client.PostgreSql.Tests;

/// <summary>
/// A test against the PostgreSQL server named by <c>VAPISYNC_POSTGRES</c> (started by <c>.ci/run</c>). Outside CI, without
/// that variable, it is skipped with a message saying how to run it; in CI a missing server is a failure, not a skip.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (Postgres.ConnectionString is null && !Postgres.InCi)
        {
            Skip = "VAPISYNC_POSTGRES is not set: run `eval \"$(bash .ci/postgres.sh start)\"` first (CI always runs these tests).";
        }
    }
}
