using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VapiSync.Client.PostgreSql.Internal;
using VapiSync.Client.Shared;

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
        return Register(builder).Configure(o =>
        {
            o.ConnectionString = connectionString;
            configure?.Invoke(o);
        });
    }

    /// <summary>
    /// Like <see cref="UsePostgreSqlSyncQueue(IVapiSyncBuilder, string, Action{PostgreSqlSyncQueueOptions})"/>, with the
    /// store's settings bound from configuration (for example the section <c>VapiSync:SyncQueue:PostgreSql</c> with
    /// <c>ConnectionString</c>, <c>Schema</c>, <c>TableName</c>, <c>MigrateAutomatically</c>), validated at start-up: a
    /// key that is no setting (a misspelling) or a connection string Npgsql cannot parse fails there.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="configuration">The configuration section holding <see cref="PostgreSqlSyncQueueOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UsePostgreSqlSyncQueue(this IVapiSyncBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddSingleton<IValidateOptions<PostgreSqlSyncQueueOptions>>(new UnknownConfigurationValidator<PostgreSqlSyncQueueOptions>(configuration));
        return Register(builder).Bind(configuration);
    }

    private static Registration Register(IVapiSyncBuilder builder)
    {
        var options = builder.Services.AddOptions<PostgreSqlSyncQueueOptions>()
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlSyncQueueOptions>, PostgreSqlSyncQueueOptionsValidator>());
        builder.Services.TryAddSingleton<PostgreSqlSyncQueueStore>();
        builder.AddSyncQueue().UseSyncQueueStore<PostgreSqlSyncQueueStore>();
        return new Registration(builder, options);
    }

    private readonly record struct Registration(IVapiSyncBuilder Builder, OptionsBuilder<PostgreSqlSyncQueueOptions> Options)
    {
        public IVapiSyncBuilder Configure(Action<PostgreSqlSyncQueueOptions> configure)
        {
            Options.Configure(configure);
            return Builder;
        }

        public IVapiSyncBuilder Bind(IConfiguration configuration)
        {
            Options.Bind(configuration);
            return Builder;
        }
    }
}
