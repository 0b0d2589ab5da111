using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VapiSync.Client.Queue;

namespace VapiSync.Client.PostgreSql.Tests.Queue;

/// <summary><c>UsePostgreSqlSyncQueue(IConfiguration)</c>: the store's settings from configuration, validated at start. No database needed.</summary>
public sealed class PostgreSqlSyncQueueConfigurationTests
{
    [Fact]
    public async Task UsePostgreSqlSyncQueue_FromConfiguration_BindsTheStoreAndTheQueue()
    {
        await using var provider = Build(new()
        {
            ["VapiSync:SyncQueue:MaxDegreeOfParallelism"] = "4",
            ["VapiSync:SyncQueue:PostgreSql:ConnectionString"] = "Host=db.invalid;Username=app",
            ["VapiSync:SyncQueue:PostgreSql:Schema"] = "queue_schema",
            ["VapiSync:SyncQueue:PostgreSql:TableName"] = "outbox",
            ["VapiSync:SyncQueue:PostgreSql:MigrateAutomatically"] = "false",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<PostgreSqlSyncQueueOptions>>().Value;

        Assert.Equal(("Host=db.invalid;Username=app", "queue_schema", "outbox", false), (options.ConnectionString, options.Schema, options.TableName, options.MigrateAutomatically));
        Assert.Equal(4, provider.GetRequiredService<IOptions<SyncQueueOptions>>().Value.MaxDegreeOfParallelism);
        var store = Assert.IsType<PostgreSqlSyncQueueStore>(provider.GetRequiredService<ISyncQueueStore>());
        Assert.Contains("\"queue_schema\".\"outbox\"", store.GetMigrationScript(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "ConnectionString")]
    [InlineData("bad-schema;", "Schema")]
    public void UsePostgreSqlSyncQueue_InvalidConfiguration_FailsAtStart(string? schema, string named)
    {
        var values = new Dictionary<string, string?> { ["VapiSync:SyncQueue:PostgreSql:Schema"] = schema };
        if (schema is not null)
        {
            values["VapiSync:SyncQueue:PostgreSql:ConnectionString"] = "Host=db.invalid";
        }

        using var provider = Build(values);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePostgreSqlSyncQueue_MisspelledKey_FailsAtStartNamingTheKey()
    {
        using var provider = Build(new()
        {
            ["VapiSync:SyncQueue:PostgreSql:ConnectionString"] = "Host=db.invalid",
            ["VapiSync:SyncQueue:PostgreSql:TabelName"] = "outbox",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("TabelName", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=db.invalid;Pasword=hunter2-secret")] // misspelled keyword
    [InlineData("Host=db.invalid;Password=hunter2;-secret")] // an unquoted ';' splits the password
    [InlineData("Host=db.invalid;Password=hunter2-secret;Port=not-a-port")]
    [InlineData("Username=app;Password=hunter2-secret")] // no host
    public void UsePostgreSqlSyncQueue_MalformedConnectionString_FailsAtStartWithoutShowingIt(string connectionString)
    {
        using var provider = Build(new() { ["VapiSync:SyncQueue:PostgreSql:ConnectionString"] = connectionString });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePostgreSqlSyncQueue_MalformedConnectionStringInCode_FailsAtStart()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(o => o.PlatformApiKey = "platform-key-0123456789").UsePostgreSqlSyncQueue("Host=db.invalid;Pasword=hunter2");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LeaseDuraton", "00:00:45", "LeaseDuraton")]
    [InlineData("ConnectionString", "Host=db.invalid;Pasword=hunter2", "ConnectionString")]
    public void UsePostgreSqlStateStore_FromConfigurationWithAMistake_FailsAtStart(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionString"] = "Host=db.invalid",
            [key] = value,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(o => o.PlatformApiKey = "platform-key-0123456789").UsePostgreSqlStateStore(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        values["VapiSync:PlatformApiKey"] = "platform-key-0123456789";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(configuration.GetSection("VapiSync"))
            .AddSyncQueue(configuration.GetSection("VapiSync:SyncQueue"))
            .UsePostgreSqlSyncQueue(configuration.GetSection("VapiSync:SyncQueue:PostgreSql"));
        return services.BuildServiceProvider();
    }
}
