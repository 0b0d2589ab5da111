using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VapiSync.Client.Queue;

namespace VapiSync.Client.Tests.Queue;

/// <summary><c>AddSyncQueue(IConfiguration)</c>: the queue's settings from a configuration section, validated at start.</summary>
public sealed class SyncQueueConfigurationTests
{
    [Fact]
    public void AddSyncQueue_FromConfiguration_BindsEverySetting()
    {
        using var provider = Build(new()
        {
            ["VapiSync:SyncQueue:DrainerEnabled"] = "false",
            ["VapiSync:SyncQueue:MaxDegreeOfParallelism"] = "16",
            ["VapiSync:SyncQueue:PollInterval"] = "00:00:00.250",
            ["VapiSync:SyncQueue:LeaseDuration"] = "00:02:00",
            ["VapiSync:SyncQueue:InitialBackoff"] = "00:00:01",
            ["VapiSync:SyncQueue:MaxBackoff"] = "00:00:20",
            ["VapiSync:SyncQueue:MaxAttempts"] = "5",
            ["VapiSync:SyncQueue:BreakerCheckInterval"] = "00:00:03",
            ["VapiSync:SyncQueue:DegradedAfter"] = "00:10:00",
            ["VapiSync:SyncQueue:StatisticsInterval"] = "00:00:30",
            ["VapiSync:SyncQueue:CompletionBufferSize"] = "64",
            ["VapiSync:SyncQueue:MaxRetryAfterPause"] = "00:02:00",
        });

        var options = provider.GetRequiredService<IOptions<SyncQueueOptions>>().Value;

        Assert.False(options.DrainerEnabled);
        Assert.Equal(16, options.MaxDegreeOfParallelism);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollInterval);
        Assert.Equal(TimeSpan.FromMinutes(2), options.LeaseDuration);
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)), (options.InitialBackoff, options.MaxBackoff));
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(3), options.BreakerCheckInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.DegradedAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StatisticsInterval);
        Assert.Equal(64, options.CompletionBufferSize);
        Assert.Equal(TimeSpan.FromMinutes(2), options.MaxRetryAfterPause);
        Assert.NotNull(provider.GetRequiredService<IVapiSyncQueue>());
    }

    [Fact]
    public void AddSyncQueue_FromAnEmptySection_KeepsTheDefaults()
    {
        using var provider = Build([]);

        var options = provider.GetRequiredService<IOptions<SyncQueueOptions>>().Value;

        Assert.Equal((8, TimeSpan.FromMinutes(5), (int?)null), (options.MaxDegreeOfParallelism, options.LeaseDuration, options.MaxAttempts));
    }

    [Theory]
    [InlineData("MaxDegreeOfParallelism", "0", "MaxDegreeOfParallelism")]
    [InlineData("LeaseDuration", "00:00:00.500", "LeaseDuration")]
    [InlineData("InitialBackoff", "00:05:00", "InitialBackoff")]
    public void AddSyncQueue_InvalidConfiguration_FailsWhenTheHostStarts(string key, string value, string named)
    {
        using var provider = Build(new() { ["VapiSync:SyncQueue:" + key] = value });

        // What a host runs before it starts any hosted service (ValidateOnStart).
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSyncQueue_MisspelledKey_FailsWhenTheHostStartsNamingTheKey()
    {
        using var provider = Build(new() { ["VapiSync:SyncQueue:MaxDegreOfParallelism"] = "16" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("MaxDegreOfParallelism", error.Message, StringComparison.Ordinal);
        Assert.Contains("VapiSync:SyncQueue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSyncQueue_PostgreSqlChildSection_IsLeftToItsOwnBinder()
    {
        using var provider = Build(new()
        {
            ["VapiSync:SyncQueue:MaxDegreeOfParallelism"] = "16",
            ["VapiSync:SyncQueue:PostgreSql:ConnectionString"] = "Host=db.invalid",
            ["VapiSync:SyncQueue:PostgreSql:TableName"] = "outbox",
        });

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(16, provider.GetRequiredService<IOptions<SyncQueueOptions>>().Value.MaxDegreeOfParallelism);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        values["VapiSync:PlatformApiKey"] = "platform-key-0123456789";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddVapiSync(configuration.GetSection("VapiSync")).AddSyncQueue(configuration.GetSection("VapiSync:SyncQueue"));
        return services.BuildServiceProvider();
    }
}
