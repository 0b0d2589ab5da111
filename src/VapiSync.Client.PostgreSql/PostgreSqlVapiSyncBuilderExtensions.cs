using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace VapiSync.Client.PostgreSql;

/// <summary>Registers the PostgreSQL state store and cross-instance lock.</summary>
public static class PostgreSqlVapiSyncBuilderExtensions
{
    /// <summary>
    /// Keeps the sync state in PostgreSQL and serializes syncs of one agent across every instance that uses the same
    /// database, so several instances never create two assistants for one agent.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Changes the schema, table name, migration and lock settings.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UsePostgreSqlStateStore(this IVapiSyncBuilder builder, string connectionString, Action<PostgreSqlStateStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddOptions<PostgreSqlStateStoreOptions>()
            .Configure(o =>
            {
                o.ConnectionString = connectionString;
                configure?.Invoke(o);
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<PostgreSqlStateStore>();
        return builder.UseStateStore<PostgreSqlStateStore>().UseSyncLock<PostgreSqlStateStore>();
    }
}
