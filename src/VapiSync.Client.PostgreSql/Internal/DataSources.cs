using Npgsql;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>The data sources the stores build themselves from a connection string (never one the application passes).</summary>
internal static class DataSources
{
    /// <summary>
    /// Builds a pool of at most <paramref name="maxConnections"/> connections (or fewer, when the connection string
    /// says so). The stores keep no session state (a setting they change lasts one transaction), so a connection goes
    /// back to the pool without Npgsql's <c>DISCARD ALL</c>: otherwise each reuse costs one more statement — as many as
    /// the store's own — and PgBouncer in transaction mode advises against it anyway. Nor do they enlist in an ambient
    /// transaction.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString, int maxConnections)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.NoResetOnClose = true;

        // Never enlisted in a caller's TransactionScope: an accepted write must not be rolled back by the host's own
        // transaction, and an enlisted connection stays reserved until that scope ends (four would hold a whole pool).
        settings.Enlist = false;
        settings.MaxPoolSize = Math.Min(settings.MaxPoolSize, maxConnections);
        settings.MinPoolSize = Math.Min(settings.MinPoolSize, settings.MaxPoolSize);
        return builder.Build();
    }
}
