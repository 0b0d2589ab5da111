using System.ComponentModel.DataAnnotations;

namespace VapiSync.Client.PostgreSql;

/// <summary>Settings of the PostgreSQL sync queue store.</summary>
public sealed class PostgreSqlSyncQueueOptions
{
    /// <summary>Gets or sets the Npgsql connection string.</summary>
    /// <value>The default value is an empty string, which is invalid.</value>
    [Required]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets the schema of the queue table (created if missing).</summary>
    /// <value>The default value is <c>vapisync</c>.</value>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "vapisync";

    /// <summary>Gets or sets the name of the queue table.</summary>
    /// <value>The default value is <c>sync_queue</c>.</value>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string TableName { get; set; } = "sync_queue";

    /// <summary>Gets or sets a value indicating whether the store creates the schema, table and indexes on first use (idempotent).</summary>
    /// <value>The default value is <see langword="true"/>. Set it to <see langword="false"/> to run <see cref="PostgreSqlSyncQueueStore.GetMigrationScript"/> yourself.</value>
    public bool MigrateAutomatically { get; set; } = true;
}
