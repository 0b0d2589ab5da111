using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using VapiSync.Client.PostgreSql.Internal;
using VapiSync.Client.Shared;

namespace VapiSync.Client.PostgreSql;

/// <summary>Registers the PostgreSQL state store and cross-instance lease.</summary>
public static class PostgreSqlVapiSyncBuilderExtensions
{
    /// <summary>
    /// Keeps the sync state in PostgreSQL and serializes syncs of one agent across every instance that uses the same
    /// database, so several instances never create two assistants for one agent.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UsePostgreSqlStateStore(this IVapiSyncBuilder builder, string connectionString) =>
        builder.UsePostgreSqlStateStore(connectionString, _ => { });

    /// <summary>
    /// Keeps the sync state in PostgreSQL and serializes syncs of one agent across every instance that uses the same
    /// database, so several instances never create two assistants for one agent.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="connectionString">The Npgsql connection string.</param>
    /// <param name="configure">Changes the schema, table names, migration, lease and connection settings.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UsePostgreSqlStateStore(this IVapiSyncBuilder builder, string connectionString, Action<PostgreSqlStateStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(builder, dataSource: null, o =>
        {
            o.ConnectionString = connectionString;
            configure.Invoke(o);
        });
    }

    /// <summary>
    /// Like <see cref="UsePostgreSqlStateStore(IVapiSyncBuilder, string, Action{PostgreSqlStateStoreOptions})"/>, on an
    /// <see cref="NpgsqlDataSource"/> the application owns (built with <c>NpgsqlDataSourceBuilder</c>, for example with
    /// password rotation); the store never disposes it.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <param name="configure">Changes the schema, table names, migration, lease and connection settings.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UsePostgreSqlStateStore(this IVapiSyncBuilder builder, NpgsqlDataSource dataSource, Action<PostgreSqlStateStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(builder, dataSource, configure);
    }

    /// <summary>
    /// Like <see cref="UsePostgreSqlStateStore(IVapiSyncBuilder, string, Action{PostgreSqlStateStoreOptions})"/>, with
    /// the settings bound from configuration (for example the section <c>VapiSync:PostgreSql</c> with
    /// <c>ConnectionString</c>, <c>Schema</c>, <c>LeaseDuration</c>, <c>MaxConcurrentOperations</c>), validated at start-up:
    /// a key that is no setting (a misspelling) or a connection string Npgsql cannot parse fails there.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="configuration">The configuration section holding <see cref="PostgreSqlStateStoreOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UsePostgreSqlStateStore(this IVapiSyncBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddOptions<PostgreSqlStateStoreOptions>().Bind(configuration);
        builder.Services.AddSingleton<IValidateOptions<PostgreSqlStateStoreOptions>>(new UnknownConfigurationValidator<PostgreSqlStateStoreOptions>(configuration));
        return Register(builder, dataSource: null, _ => { });
    }

    private static IVapiSyncBuilder Register(IVapiSyncBuilder builder, NpgsqlDataSource? dataSource, Action<PostgreSqlStateStoreOptions> configure)
    {
        var options = builder.Services.AddOptions<PostgreSqlStateStoreOptions>()
            .Configure(configure)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlStateStoreOptions>, PostgreSqlStateStoreOptionsValidator>());
        if (dataSource is null)
        {
            options.Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "VapiSync PostgreSQL: set ConnectionString, or pass an NpgsqlDataSource to UsePostgreSqlStateStore.");
        }

        builder.Services.TryAddSingleton(sp => new PostgreSqlStateStore(
            sp.GetRequiredService<IOptions<PostgreSqlStateStoreOptions>>(),
            dataSource,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<PostgreSqlStateStore>>() ?? (ILogger)NullLogger.Instance));
        return builder.UseStateStore<PostgreSqlStateStore>().UseSyncLock<PostgreSqlStateStore>();
    }
}
