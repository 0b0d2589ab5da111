using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VapiSync.Client;
using VapiSync.Client.Queue;
using VapiSync.Client.Queue.Internal;
using VapiSync.Client.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the durable sync queue (<see cref="IVapiSyncQueue"/>) and its hosted drainer.</summary>
public static class VapiSyncQueueBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IVapiSyncQueue"/>, an in-memory store (replace it with <see cref="UseSyncQueueStore{TStore}"/>
    /// or the PostgreSQL one for durability) and a hosted drainer that applies queued saves through
    /// <see cref="IVapiAssistantManager"/>. The drainer runs in a generic or web host.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder AddSyncQueue(this IVapiSyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddCore(builder);
        return builder;
    }

    /// <summary>
    /// Like <see cref="AddSyncQueue(IVapiSyncBuilder)"/>, with settings changed in code (validated at start-up).
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="configure">Changes the queue's settings.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder AddSyncQueue(this IVapiSyncBuilder builder, Action<SyncQueueOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(builder).Configure(configure);
        return builder;
    }

    /// <summary>
    /// Like <see cref="AddSyncQueue(IVapiSyncBuilder, Action{SyncQueueOptions})"/>, with the settings bound from
    /// configuration (for example the section <c>VapiSync:SyncQueue</c> with <c>MaxDegreeOfParallelism</c>,
    /// <c>LeaseDuration</c> as <c>00:05:00</c>, <c>DrainerEnabled</c>), validated at start-up; the drainer reads them
    /// once when it starts. A key that is no setting (a misspelling) fails start-up, naming the key; the child section
    /// <c>PostgreSql</c> is left to <c>UsePostgreSqlSyncQueue</c>.
    /// </summary>
    /// <param name="builder">The VapiSync builder.</param>
    /// <param name="configuration">The configuration section holding <see cref="SyncQueueOptions"/>.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder AddSyncQueue(this IVapiSyncBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(builder).Bind(configuration);
        builder.Services.AddSingleton<IValidateOptions<SyncQueueOptions>>(new UnknownConfigurationValidator<SyncQueueOptions>(configuration, "PostgreSql"));
        return builder;
    }

    private static OptionsBuilder<SyncQueueOptions> AddCore(IVapiSyncBuilder builder)
    {
        var services = builder.Services;
        var options = services.AddOptions<SyncQueueOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncQueueOptions>, SyncQueueOptionsValidator>());
        services.TryAddSingleton<ISyncQueueStore, InMemorySyncQueueStore>();
        services.TryAddSingleton<SyncQueueMetrics>();
        services.TryAddSingleton<SyncQueueSignal>();
        services.TryAddSingleton<ClaimedItems>();
        services.TryAddSingleton<CompletionBroadcaster>();
        services.TryAddSingleton<IVapiAvailability, VapiAvailability>();
        services.TryAddSingleton<VapiSyncQueue>();
        services.TryAddSingleton<IVapiSyncQueue>(sp => sp.GetRequiredService<VapiSyncQueue>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SyncQueueDrainer>());
        return options;
    }

    /// <summary>Replaces the queue's in-memory store (for example with a shared, durable one). Registered as a singleton.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="builder">The VapiSync builder.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder UseSyncQueueStore<TStore>(this IVapiSyncBuilder builder)
        where TStore : class, ISyncQueueStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TStore>();
        builder.Services.Replace(ServiceDescriptor.Singleton<ISyncQueueStore>(sp => sp.GetRequiredService<TStore>()));
        return builder;
    }

    /// <summary>Adds an observer told when a queued item is applied or parked (to store the assistant id). Registered as a singleton; several may be added.</summary>
    /// <typeparam name="TObserver">The observer type.</typeparam>
    /// <param name="builder">The VapiSync builder.</param>
    /// <returns>The builder.</returns>
    public static IVapiSyncBuilder AddSyncQueueObserver<TObserver>(this IVapiSyncBuilder builder)
        where TObserver : class, IVapiSyncQueueObserver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<TObserver>();
        builder.Services.AddSingleton<IVapiSyncQueueObserver>(sp => sp.GetRequiredService<TObserver>());
        return builder;
    }
}
