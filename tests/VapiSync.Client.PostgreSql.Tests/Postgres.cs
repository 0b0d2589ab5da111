using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VapiSync.Client.Testing;

namespace VapiSync.Client.PostgreSql.Tests;

internal static class Postgres
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("VAPISYNC_POSTGRES");

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Required => ConnectionString
        ?? throw new InvalidOperationException("CI must provide VAPISYNC_POSTGRES (.ci/run starts PostgreSQL).");

    public static string WithApplicationName(string name) =>
        new NpgsqlConnectionStringBuilder(Required) { ApplicationName = name }.ConnectionString;

    public static async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(Required);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<T> ScalarAsync<T>(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(Required);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(Required);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>One host "instance": its own service provider and HttpClient, the shared fake Vapi and the shared database.</summary>
internal sealed class Instance : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public Instance(FakeVapiServer vapi, string schema, Action<PostgreSqlStateStoreOptions>? configure = null, string? applicationName = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddVapiSync(o =>
            {
                o.BaseUrl = vapi.BaseAddress;
                o.PlatformApiKey = "sk-pg";
            })
            .ConfigureResilience(o => o.Retry.Delay = TimeSpan.FromMilliseconds(20))
            .UsePostgreSqlStateStore(applicationName is null ? Postgres.Required : Postgres.WithApplicationName(applicationName), o =>
            {
                o.Schema = schema;
                configure?.Invoke(o);
            });
        _provider = services.BuildServiceProvider();
    }

    public IVapiAssistantManager Manager => _provider.GetRequiredService<IVapiAssistantManager>();

    public PostgreSqlStateStore Store => _provider.GetRequiredService<PostgreSqlStateStore>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
