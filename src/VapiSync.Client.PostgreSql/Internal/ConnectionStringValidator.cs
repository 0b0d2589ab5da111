using Microsoft.Extensions.Options;
using Npgsql;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>
/// Parses the stores' connection strings at start-up, so a malformed one fails there with a clear message instead of as
/// a raw <see cref="ArgumentException"/> on first use. The message never shows the value (nor Npgsql's message, which can
/// quote part of it): a connection string may hold a password.
/// </summary>
internal static class ConnectionStringValidator
{
    /// <summary>Returns why <paramref name="connectionString"/> cannot be used, or <see langword="null"/> when it can (or is empty: other rules cover that).</summary>
    public static string? Check(string optionsName, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            return $"{optionsName}.ConnectionString is not a valid Npgsql connection string ({ex.GetType().Name}): a keyword is unknown or misspelled, " +
                "or a value is malformed (quote a value that holds ';' or '='). The value is not shown because it may contain a password.";
        }

        return string.IsNullOrWhiteSpace(parsed.Host)
            ? $"{optionsName}.ConnectionString names no Host; set Host=<server>. The value is not shown because it may contain a password."
            : null;
    }
}

/// <summary>Start-up check of <see cref="PostgreSqlSyncQueueOptions.ConnectionString"/>.</summary>
internal sealed class PostgreSqlSyncQueueOptionsValidator : IValidateOptions<PostgreSqlSyncQueueOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlSyncQueueOptions options) =>
        ConnectionStringValidator.Check(nameof(PostgreSqlSyncQueueOptions), options.ConnectionString) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}

/// <summary>Start-up check of <see cref="PostgreSqlStateStoreOptions.ConnectionString"/> (when one is set rather than a data source).</summary>
internal sealed class PostgreSqlStateStoreOptionsValidator : IValidateOptions<PostgreSqlStateStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlStateStoreOptions options) =>
        ConnectionStringValidator.Check(nameof(PostgreSqlStateStoreOptions), options.ConnectionString) is { } problem
            ? ValidateOptionsResult.Fail(problem)
            : ValidateOptionsResult.Success;
}
