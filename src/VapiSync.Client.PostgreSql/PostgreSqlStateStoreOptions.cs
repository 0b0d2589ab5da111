using System.ComponentModel.DataAnnotations;

namespace VapiSync.Client.PostgreSql;

/// <summary>Settings of the PostgreSQL state store and lock.</summary>
public sealed class PostgreSqlStateStoreOptions
{
    /// <summary>Gets or sets the Npgsql connection string.</summary>
    /// <value>The default value is an empty string, which is invalid.</value>
    [Required]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets the schema of the state table (created if missing).</summary>
    /// <value>The default value is <c>vapisync</c>.</value>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "vapisync";

    /// <summary>Gets or sets the name of the state table.</summary>
    /// <value>The default value is <c>assistant_state</c>.</value>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string TableName { get; set; } = "assistant_state";

    /// <summary>Gets or sets a value indicating whether the library creates the schema and table on first use (idempotent).</summary>
    /// <value>The default value is <see langword="true"/>. Set it to <see langword="false"/> to run <see cref="PostgreSqlStateStore.GetMigrationScript"/> yourself.</value>
    public bool MigrateAutomatically { get; set; } = true;

    /// <summary>Gets or sets how long a sync waits for another instance's sync of the same agent before failing with <see cref="TimeoutException"/>.</summary>
    /// <value>The default value is one minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a lock holder may stay idle inside its lock transaction before PostgreSQL ends its session
    /// (and so releases the lock): a hung instance cannot block an agent forever. Must exceed the longest sync.
    /// </summary>
    /// <value>The default value is five minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockHolderIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
