using Npgsql;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>The data sources the stores build themselves from a connection string (never one the application passes).</summary>
internal static class DataSources
{
    /// <summary>
    /// Builds a pool of at most <paramref name="maxConnections"/> connections (or fewer, when the connection string
    /// says so). The stores keep no session state (a setting they change lasts one transaction), so a connection goes
    /// back to the pool without Npgsql's <c>DISCARD ALL</c>: otherwise each reuse costs one more statement — as many as
    /// the store's own — and PgBouncer in transaction mode advises against it anyway.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString, int maxConnections)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        settings.NoResetOnClose = true;
        settings.MaxPoolSize = Math.Min(settings.MaxPoolSize, maxConnections);
        settings.MinPoolSize = Math.Min(settings.MinPoolSize, settings.MaxPoolSize);
        return builder.Build();
    }
}
