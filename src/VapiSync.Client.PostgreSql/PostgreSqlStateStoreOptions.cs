using System.ComponentModel.DataAnnotations;

namespace VapiSync.Client.PostgreSql;

/// <summary>Settings of the PostgreSQL state store and lease (bindable from configuration).</summary>
public sealed class PostgreSqlStateStoreOptions
{
    /// <summary>Gets or sets the Npgsql connection string; not used when the store is given an <c>NpgsqlDataSource</c>.</summary>
    /// <value>The default value is an empty string: set it, or pass a data source.</value>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets the schema of the state table (created if missing).</summary>
    /// <value>The default value is <c>vapisync</c>.</value>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string Schema { get; set; } = "vapisync";

    /// <summary>Gets or sets the name of the state table.</summary>
    /// <value>The default value is <c>assistant_state</c>.</value>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string TableName { get; set; } = "assistant_state";

    /// <summary>Gets or sets the name of the lease table (one row per agent: owner, fencing token, expiry).</summary>
    /// <value>The default value is <c>assistant_lease</c>.</value>
    [RegularExpression("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    public string LeaseTableName { get; set; } = "assistant_lease";

    /// <summary>Gets or sets a value indicating whether the library creates the schema and tables on first use (idempotent).</summary>
    /// <value>The default value is <see langword="true"/>. Set it to <see langword="false"/> to run <see cref="PostgreSqlStateStore.GetMigrationScript"/> yourself.</value>
    public bool MigrateAutomatically { get; set; } = true;

    /// <summary>Gets or sets how long a sync waits for another instance's sync of the same agent before failing with <see cref="VapiSyncLeaseException"/> (<see cref="VapiErrorCodes.LockTimeout"/>).</summary>
    /// <value>The default value is one minute.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a lease lasts without renewal. A holder renews it every third of this while its sync runs,
    /// so a slow Vapi call keeps it; a holder that crashed or paused frees the agent at most this long after its last
    /// renewal, and is then fenced: its state writes are refused.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many statements one store runs at once; each uses one pooled connection only while it runs (never
    /// across a call to Vapi), so this is the instance's connection budget whatever the sync concurrency.
    /// </summary>
    /// <value>
    /// The default value is 4. Lease takes, and state writes with their release, of syncs running at the same time go
    /// together in one multi-row statement per round trip (one at a time of each kind), so a bulk sync needs about two
    /// connections and more do not make it faster; the rest serve renewals, reads and listings. With the PostgreSQL
    /// sync queue (4 connections of its own), an instance uses at most 8. Lower it when many instances share a small
    /// <c>max_connections</c>; connections are opened only as statements need them.
    /// </value>
    [Range(1, 64)]
    public int MaxConcurrentOperations { get; set; } = 4;
}
