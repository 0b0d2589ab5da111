using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace VapiSync.Client.PostgreSql;

/// <summary>Registers the PostgreSQL store of the sync queue.</summary>
public static class PostgreSqlSyncQueueBuilderExtensions
{
    /// <summary>
    /// Keeps the sync queue in PostgreSQL: queued saves survive restarts and crashes, and every instance that uses the
    /// same database drains the same queue (claims with <c>FOR UPDATE SKIP LOCKED</c> under a lease, so no item is
    /// applied twice at once and a dead instance's items return). Adds the queue itself when <c>AddSyncQueue()</c> was
    /// not called.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Changes the schema, table name and migration settings.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UsePostgreSqlSyncQueue(this IVapiSyncBuilder builder, string connectionString, Action<PostgreSqlSyncQueueOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddOptions<PostgreSqlSyncQueueOptions>()
            .Configure(o =>
            {
                o.ConnectionString = connectionString;
                configure?.Invoke(o);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<PostgreSqlSyncQueueStore>();
        return builder.AddSyncQueue().UseSyncQueueStore<PostgreSqlSyncQueueStore>();
    }
}
