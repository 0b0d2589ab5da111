using System.Data;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Transactions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using VapiSync.Client.PostgreSql.Internal;

namespace VapiSync.Client.PostgreSql;

/// <summary>
/// Keeps the sync state in a PostgreSQL table and serializes syncs of one agent across every instance with a lease
/// row per agent: an owner, a fencing token that grows with every acquisition, and an expiry on the database's clock.
/// Every statement is short and runs on a pooled connection that goes back at once — none is held across a call to
/// Vapi, no session state is used (it works through PgBouncer in transaction mode), and at most
/// <see cref="PostgreSqlStateStoreOptions.MaxConcurrentOperations"/> connections are in use per instance.
/// </summary>
public sealed class PostgreSqlStateStore : IAssistantStateStore, IAssistantSyncLock, IAsyncDisposable, ILeaseRows
{
    private const int ListPageSize = 500;

    /// <summary>The most agents in one batched take or write (bounds a statement's duration and the rows it locks).</summary>
    private const int MaxBatch = 64;
    private const string StateColumns = "assistant_id, definition_hash, updated_at, account_fingerprint, last_outcome, orphans, needs_lookup";

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlStateStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _table;
    private readonly string _leaseTable;
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly SemaphoreSlim _operations;
    private readonly MigrationGate _migration = new();
    private readonly AgentQueue _queue = new();
    private readonly StatementBatcher<(string Organization, string Agent), (long Token, StateRead State)?> _takes;
    private readonly StatementBatcher<(Lease Lease, AssistantState State), bool> _writes;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlStateStore"/> class that opens its own data source from <see cref="PostgreSqlStateStoreOptions.ConnectionString"/>.</summary>
    /// <param name="options">The store's settings.</param>
    public PostgreSqlStateStore(IOptions<PostgreSqlStateStoreOptions> options)
        : this(options, null, TimeProvider.System, NullLogger<PostgreSqlStateStore>.Instance)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlStateStore"/> class on a data source the caller owns (and disposes).</summary>
    /// <param name="dataSource">The Npgsql data source; <see cref="PostgreSqlStateStoreOptions.ConnectionString"/> is ignored.</param>
    /// <param name="options">The store's settings.</param>
    /// <param name="timeProvider">The clock for renewals and back-off (lease expiry uses the database's clock).</param>
    /// <param name="logger">The logger.</param>
    public PostgreSqlStateStore(NpgsqlDataSource dataSource, IOptions<PostgreSqlStateStoreOptions> options, TimeProvider timeProvider, ILogger<PostgreSqlStateStore> logger)
        : this(options, dataSource ?? throw new ArgumentNullException(nameof(dataSource)), timeProvider, logger)
    {
    }

    internal PostgreSqlStateStore(IOptions<PostgreSqlStateStoreOptions> options, NpgsqlDataSource? dataSource, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _table = $"{Sql.Identifier(_options.Schema)}.{Sql.Identifier(_options.TableName)}";
        _leaseTable = $"{Sql.Identifier(_options.Schema)}.{Sql.Identifier(_options.LeaseTableName)}";
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _operations = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentOperations));
        _takes = new(TakeBatchAsync, a => a, a => Sql.IsStorable(a.Organization) && Sql.IsStorable(a.Agent), MaxBatch);
        _writes = new(WriteAndReleaseBatchAsync, w => (w.Lease.OrganizationId, w.Lease.AgentKey), w => IsStorable(w.Lease, w.State), MaxBatch);
        if (dataSource is null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(_options.ConnectionString, "options.ConnectionString");
            _dataSource = DataSources.Create(_options.ConnectionString, Math.Max(1, _options.MaxConcurrentOperations));
            _ownsDataSource = true;
        }
        else
        {
            _dataSource = dataSource;
        }
    }

    /// <summary>
    /// Returns the idempotent DDL that creates the schema, the state table and the lease table, and brings a state table
    /// of an earlier version up to date (new columns only) — for those who run migrations themselves.
    /// </summary>
    /// <returns>The SQL script.</returns>
    public string GetMigrationScript() => $"""
        CREATE SCHEMA IF NOT EXISTS {Sql.Identifier(_options.Schema)};
        CREATE TABLE IF NOT EXISTS {_table} (
            organization_id text COLLATE "C" NOT NULL,
            agent_key text COLLATE "C" NOT NULL,
            assistant_id text NOT NULL,
            definition_hash text NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (organization_id, agent_key)
        );
        ALTER TABLE {_table} ADD COLUMN IF NOT EXISTS account_fingerprint text;
        ALTER TABLE {_table} ADD COLUMN IF NOT EXISTS last_outcome text;
        ALTER TABLE {_table} ADD COLUMN IF NOT EXISTS orphans jsonb;
        ALTER TABLE {_table} ADD COLUMN IF NOT EXISTS needs_lookup boolean NOT NULL DEFAULT false;
        ALTER TABLE {_table} ADD COLUMN IF NOT EXISTS fencing_token bigint;
        CREATE TABLE IF NOT EXISTS {_leaseTable} (
            organization_id text COLLATE "C" NOT NULL,
            agent_key text COLLATE "C" NOT NULL,
            owner text,
            fencing_token bigint NOT NULL,
            expires_at timestamptz NOT NULL,
            PRIMARY KEY (organization_id, agent_key)
        );
        """;

    /// <summary>Creates or updates the schema and tables. Safe to run concurrently from several instances.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the tables exist.</returns>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync(async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

            // CREATE ... IF NOT EXISTS still races in the catalog; one migration at a time per table (released at commit).
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue("vapisync migration " + _table);
                await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand(GetMigrationScript(), connection, transaction))
            {
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken, migrate: false).ConfigureAwait(false);
        _migration.MarkDone();
    }

    /// <inheritdoc />
    public ValueTask<AssistantState?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {StateColumns} FROM {_table} WHERE organization_id = $1 AND agent_key = $2", connection);
            command.Parameters.AddWithValue(organizationId);
            command.Parameters.AddWithValue(agentKey);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadState(reader, 0) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask SetAsync(string organizationId, string agentKey, AssistantState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        await RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                INSERT INTO {_table} (organization_id, agent_key, {StateColumns})
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (organization_id, agent_key) DO UPDATE SET {UpdateStateColumns}
                """, connection);
            AddStateParameters(command, organizationId, agentKey, state);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The write happens only while this store's lease row for the agent still carries <paramref name="fencingToken"/>;
    /// it locks that row (<c>FOR SHARE</c>) for the statement, so an acquisition by another instance waits for the
    /// write to commit and then reads it — or comes first, and the write is refused.
    /// </remarks>
    public async ValueTask SetFencedAsync(string organizationId, string agentKey, AssistantState state, long fencingToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (fencingToken <= 0)
        {
            await SetAsync(organizationId, agentKey, state, cancellationToken).ConfigureAwait(false);
            return;
        }

        var lease = $"""
            SELECT 1 FROM {_leaseTable}
            WHERE organization_id = $1 AND agent_key = $2 AND fencing_token = $10 AND owner = $11
            FOR SHARE
            """;
        if (!await FencedWriteAsync(lease, organizationId, agentKey, state, fencingToken, cancellationToken).ConfigureAwait(false))
        {
            throw VapiSyncLeaseException.LeaseLost(organizationId, agentKey, fencingToken);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {_table} WHERE organization_id = $1 AND agent_key = $2", connection);
            command.Parameters.AddWithValue(organizationId);
            command.Parameters.AddWithValue(agentKey);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<bool> RemoveFencedAsync(string organizationId, string agentKey, long fencingToken, CancellationToken cancellationToken = default)
    {
        if (fencingToken <= 0)
        {
            return await RemoveAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false);
        }

        var (held, removed) = await RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                WITH lease AS (
                    SELECT 1 FROM {_leaseTable}
                    WHERE organization_id = $1 AND agent_key = $2 AND fencing_token = $3 AND owner = $4
                    FOR SHARE),
                removed AS (
                    DELETE FROM {_table} WHERE organization_id = $1 AND agent_key = $2 AND EXISTS (SELECT 1 FROM lease)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM lease), EXISTS (SELECT 1 FROM removed)
                """, connection);
            command.Parameters.AddWithValue(organizationId);
            command.Parameters.AddWithValue(agentKey);
            command.Parameters.AddWithValue(fencingToken);
            command.Parameters.AddWithValue(_owner);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct).ConfigureAwait(false);
            await reader.ReadAsync(ct).ConfigureAwait(false);
            return (reader.GetBoolean(0), reader.GetBoolean(1));
        }, cancellationToken).ConfigureAwait(false);
        return held ? removed : throw VapiSyncLeaseException.LeaseLost(organizationId, agentKey, fencingToken);
    }

    /// <inheritdoc />
    /// <remarks>Keyset-paged (no connection is held while the caller consumes a page); ordered by code point (<c>COLLATE "C"</c>).</remarks>
    public async IAsyncEnumerable<AssistantStateEntry> ListAsync(string? organizationId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        (string Organization, string Agent)? after = null;
        while (true)
        {
            var page = await RunAsync(async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand($"""
                    SELECT organization_id, agent_key, {StateColumns} FROM {_table}
                    WHERE ($1::text IS NULL OR organization_id = $1)
                      AND ($2::text IS NULL OR (organization_id COLLATE "C", agent_key COLLATE "C") > ($2::text COLLATE "C", $3::text COLLATE "C"))
                    ORDER BY organization_id COLLATE "C", agent_key COLLATE "C"
                    LIMIT {ListPageSize}
                    """, connection);
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)organizationId ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)after?.Organization ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)after?.Agent ?? DBNull.Value });
                var entries = new List<AssistantStateEntry>(ListPageSize);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    entries.Add(new AssistantStateEntry(reader.GetString(0), reader.GetString(1), ReadState(reader, 2)));
                }

                return entries;
            }, cancellationToken).ConfigureAwait(false);

            foreach (var entry in page)
            {
                yield return entry;
            }

            if (page.Count < ListPageSize)
            {
                yield break;
            }

            after = (page[^1].OrganizationId, page[^1].AgentKey);
        }
    }

    /// <inheritdoc />
    /// <exception cref="VapiSyncLeaseException">Another instance held the agent's lease longer than <see cref="PostgreSqlStateStoreOptions.LockTimeout"/> (<see cref="VapiErrorCodes.LockTimeout"/>).</exception>
    public async ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        await AcquireLeaseAsync(organizationId, agentKey, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// Syncs of the agent in this instance queue in process; the first asks PostgreSQL in one short statement and, while
    /// another instance holds an unexpired lease, asks again after an exponential back-off with jitter (20 ms doubling
    /// to 1 s), until <see cref="PostgreSqlStateStoreOptions.LockTimeout"/>.
    /// </remarks>
    public async ValueTask<IAssistantSyncLease> AcquireLeaseAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        ArgumentNullException.ThrowIfNull(agentKey);
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false); // a first-use migration is not waiting for the lock
        using var timeout = new CancellationTokenSource(_options.LockTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Action? leaveQueue = null;
        try
        {
            leaveQueue = await _queue.EnterAsync(organizationId, agentKey, linked.Token).ConfigureAwait(false);
            var backoff = FirstBackoff;
            while (true)
            {
                if (await TryTakeAsync(organizationId, agentKey, linked.Token).ConfigureAwait(false) is (long token, StateRead state))
                {
                    var lease = new Lease(this, organizationId, agentKey, token, _options.LeaseDuration, _time, _logger, leaveQueue, state);
                    leaveQueue = null;
                    if (linked.IsCancellationRequested)
                    {
                        // Cancelled (or timed out) while the take committed: give the row back now, not at its expiry.
                        Log.TakeAbandoned(_logger, organizationId, agentKey);
                        await lease.DisposeAsync().ConfigureAwait(false);
                        linked.Token.ThrowIfCancellationRequested();
                    }

                    return lease;
                }

                // Half fixed, half random: waiters of several instances spread out instead of polling in step.
                var wait = (backoff / 2) + (backoff / 2 * Random.Shared.NextDouble());
                await Task.Delay(wait, _time, linked.Token).ConfigureAwait(false);
                backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
            }
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw VapiSyncLeaseException.LockTimeout(organizationId, agentKey, _options.LockTimeout, ex);
        }
        finally
        {
            leaveQueue?.Invoke();
        }
    }

    /// <summary>Gets the number of batched statements sent so far: takes, and write-and-releases (for tests and measurements).</summary>
    internal (long Takes, long Writes) BatchedStatements => (_takes.Statements, _writes.Statements);

    /// <summary>Gets the number of takes and writes waiting for their batch (for tests).</summary>
    internal (int Takes, int Writes) Queued => (_takes.Pending, _writes.Pending);

    /// <summary>Stops using the data source, and closes it when the store opened it.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    async Task<bool> ILeaseRows.RenewAsync(Lease lease, CancellationToken cancellationToken) =>
        (await LeaseStatementAsync(
            $"""
            UPDATE {_leaseTable} SET expires_at = clock_timestamp() + $5
            WHERE organization_id = $1 AND agent_key = $2 AND fencing_token = $3 AND owner = $4 AND expires_at > clock_timestamp()
            """,
            [lease.OrganizationId, lease.AgentKey, lease.FencingToken, _owner, _options.LeaseDuration],
            cancellationToken).ConfigureAwait(false)).RowsAffected == 1;

    // The token stays: the next acquisition continues from it, so tokens only ever grow.
    Task ILeaseRows.ReleaseAsync(Lease lease) =>
        LeaseStatementAsync(
            $"""
            UPDATE {_leaseTable} SET owner = NULL, expires_at = clock_timestamp()
            WHERE organization_id = $1 AND agent_key = $2 AND fencing_token = $3 AND owner = $4
            """,
            [lease.OrganizationId, lease.AgentKey, lease.FencingToken, _owner],
            CancellationToken.None);

    Task<bool> ILeaseRows.SetStateAndReleaseAsync(Lease lease, AssistantState state, CancellationToken cancellationToken) =>
        _writes.RunAsync((lease, state), cancellationToken);

    /// <summary>
    /// Writes the state only when <paramref name="leaseSql"/> (parameters <c>$1</c>, <c>$2</c>: the agent; <c>$10</c>:
    /// the token; <c>$11</c>: this store's owner) returns a row, and never over state written under a newer token.
    /// Synchronous commit (the default): this is the write that must survive a crash.
    /// </summary>
    private async ValueTask<bool> FencedWriteAsync(string leaseSql, string organizationId, string agentKey, AssistantState state, long fencingToken, CancellationToken cancellationToken) =>
        await RunAsync(async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                WITH lease AS ({leaseSql})
                INSERT INTO {_table} (organization_id, agent_key, {StateColumns}, fencing_token)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM lease
                ON CONFLICT (organization_id, agent_key) DO UPDATE SET {UpdateStateColumns}, fencing_token = EXCLUDED.fencing_token
                WHERE {_table}.fencing_token IS NULL OR {_table}.fencing_token <= EXCLUDED.fencing_token
                """, connection);
            AddStateParameters(command, organizationId, agentKey, state);
            command.Parameters.AddWithValue(fencingToken);
            command.Parameters.AddWithValue(_owner);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);

    private static string UpdateStateColumns =>
        "assistant_id = EXCLUDED.assistant_id, definition_hash = EXCLUDED.definition_hash, updated_at = EXCLUDED.updated_at, " +
        "account_fingerprint = EXCLUDED.account_fingerprint, last_outcome = EXCLUDED.last_outcome, orphans = EXCLUDED.orphans, " +
        "needs_lookup = EXCLUDED.needs_lookup";

    private static void AddStateParameters(NpgsqlCommand command, string organizationId, string agentKey, AssistantState state)
    {
        command.Parameters.AddWithValue(organizationId);
        command.Parameters.AddWithValue(agentKey);
        command.Parameters.AddWithValue(state.AssistantId);
        command.Parameters.AddWithValue(state.DefinitionHash);
        command.Parameters.AddWithValue(state.UpdatedAt.ToUniversalTime());
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)state.AccountFingerprint ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)state.LastOutcome?.ToString() ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb,
            Value = (object?)OrphansJson(state) ?? DBNull.Value,
        });
        command.Parameters.AddWithValue(state.NeedsLookup);
    }

    private void AddLeaseParameters(NpgsqlCommand command, Lease lease)
    {
        command.Parameters.AddWithValue(lease.OrganizationId);
        command.Parameters.AddWithValue(lease.AgentKey);
        command.Parameters.AddWithValue(lease.FencingToken);
        command.Parameters.AddWithValue(_owner);
    }

    private static AssistantState ReadState(NpgsqlDataReader reader, int first) =>
        new(reader.GetString(first), reader.GetString(first + 1), reader.GetFieldValue<DateTimeOffset>(first + 2))
        {
            AccountFingerprint = reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3),
            LastOutcome = !reader.IsDBNull(first + 4) && Enum.TryParse<SyncOutcome>(reader.GetString(first + 4), out var outcome) ? outcome : null,
            Orphans = reader.IsDBNull(first + 5) ? [] : JsonSerializer.Deserialize(reader.GetString(first + 5), StateJson.Default.OrphanedAssistantArray) ?? [],
            NeedsLookup = reader.GetBoolean(first + 6),
        };

    /// <summary>
    /// Takes the agent's lease when it is free, released or expired (on the database's clock, so instances' clocks
    /// need not agree), raising the fencing token, and reads the agent's state in the same round trip; returns
    /// <see langword="null"/> while another holder's lease is live. Takes of several agents that arrive while one
    /// is running go together in the next round trip (<see cref="TakeBatchAsync"/>).
    /// </summary>
    /// <remarks>
    /// The caller's token stops the wait before the take is sent but not the statement (bounded by a lease duration):
    /// a take cancelled as it commits would leave the row held until expiry; the caller releases it instead.
    /// </remarks>
    internal Task<(long Token, StateRead State)?> TryTakeAsync(string organizationId, string agentKey, CancellationToken cancellationToken) =>
        _takes.RunAsync((organizationId, agentKey), cancellationToken);

    /// <summary>
    /// Takes the leases of a batch of agents in one multi-row upsert and reads their states in a second statement of
    /// the same round trip and implicit transaction (with <c>synchronous_commit = off</c>, see <see cref="LeaseBatch"/>).
    /// </summary>
    /// <remarks>
    /// Rows are locked in one order (by key, <c>COLLATE "C"</c>) by every statement that locks several, so two batches
    /// of two instances never deadlock. The read is a second statement, not a CTE of the take: a statement reads with
    /// the snapshot of its start, and the take may first wait for the previous holder's write-and-release to commit —
    /// a CTE would then return the state from before that write. The second statement's snapshot is taken after the
    /// take, so it sees it.
    /// </remarks>
    private async Task<IReadOnlyList<(long Token, StateRead State)?>> TakeBatchAsync(IReadOnlyList<(string Organization, string Agent)> agents)
    {
        var organizations = agents.Select(a => a.Organization).ToArray();
        var keys = agents.Select(a => a.Agent).ToArray();
        using var bound = new CancellationTokenSource(_options.LeaseDuration, _time);
        var (tokens, states) = await RunAsync(
            async (connection, ct) =>
            {
                var read = new NpgsqlBatchCommand($"""
                    SELECT s.organization_id, s.agent_key, {StateColumnsOf("s")} FROM {_table} s
                    JOIN unnest($1::text[], $2::text[]) AS i(o, a) ON s.organization_id = i.o AND s.agent_key = i.a
                    """);
                read.Parameters.Add(new NpgsqlParameter { Value = organizations });
                read.Parameters.Add(new NpgsqlParameter { Value = keys });
                await using var batch = LeaseBatch(
                    connection,
                    $"""
                    INSERT INTO {_leaseTable} AS l (organization_id, agent_key, owner, fencing_token, expires_at)
                    SELECT o, a, $3, 1, clock_timestamp() + $4 FROM unnest($1::text[], $2::text[]) AS i(o, a)
                    ORDER BY o COLLATE "C", a COLLATE "C"
                    ON CONFLICT (organization_id, agent_key) DO UPDATE
                    SET owner = EXCLUDED.owner, fencing_token = l.fencing_token + 1, expires_at = EXCLUDED.expires_at
                    WHERE l.owner IS NULL OR l.expires_at <= clock_timestamp()
                    RETURNING organization_id, agent_key, fencing_token
                    """,
                    [organizations, keys, _owner, _options.LeaseDuration],
                    then: read);
                var tokens = new Dictionary<(string, string), long>(agents.Count);
                var states = new Dictionary<(string, string), AssistantState>();
                await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await reader.NextResultAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    tokens[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
                }

                await reader.NextResultAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    states[(reader.GetString(0), reader.GetString(1))] = ReadState(reader, 2);
                }

                return (tokens, states);
            },
            CancellationToken.None,
            statementToken: bound.Token).ConfigureAwait(false);
        return [.. agents.Select(a => tokens.TryGetValue(a, out var token) ? (token, new StateRead(states.GetValueOrDefault(a))) : ((long, StateRead)?)null)];
    }

    /// <summary>
    /// Writes the states of a batch of leases, each fenced by its token, and releases them, in one statement: its one
    /// synchronous commit (one WAL flush) makes every write of the batch durable — these are the writes that must
    /// survive a crash. The held lease rows are locked first, in key order, so an acquisition by another instance
    /// waits for the commit and then reads the new state — or came first, and nothing is written nor released.
    /// </summary>
    /// <returns>Per lease, whether its state was written (<see langword="false"/>: the lease was lost).</returns>
    private async Task<IReadOnlyList<bool>> WriteAndReleaseBatchAsync(IReadOnlyList<(Lease Lease, AssistantState State)> writes)
    {
        using var bound = new CancellationTokenSource(_options.LeaseDuration, _time);
        return await RunAsync<IReadOnlyList<bool>>(
            async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand($"""
                    WITH i AS (
                        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::jsonb[], $9::boolean[], $10::bigint[])
                            AS i(organization_id, agent_key, {StateColumns}, fencing_token)),
                    held AS (
                        SELECT l.organization_id, l.agent_key FROM {_leaseTable} l
                        JOIN i ON l.organization_id = i.organization_id AND l.agent_key = i.agent_key AND l.fencing_token = i.fencing_token
                        WHERE l.owner = $11
                        ORDER BY l.organization_id, l.agent_key
                        FOR UPDATE OF l),
                    released AS (
                        UPDATE {_leaseTable} l SET owner = NULL, expires_at = clock_timestamp()
                        FROM held WHERE l.organization_id = held.organization_id AND l.agent_key = held.agent_key
                        RETURNING l.organization_id, l.agent_key)
                    INSERT INTO {_table} AS t (organization_id, agent_key, {StateColumns}, fencing_token)
                    SELECT i.* FROM i JOIN released r ON i.organization_id = r.organization_id AND i.agent_key = r.agent_key
                    ORDER BY i.organization_id COLLATE "C", i.agent_key COLLATE "C"
                    ON CONFLICT (organization_id, agent_key) DO UPDATE SET {UpdateStateColumns}, fencing_token = EXCLUDED.fencing_token
                    WHERE t.fencing_token IS NULL OR t.fencing_token <= EXCLUDED.fencing_token
                    RETURNING t.organization_id, t.agent_key
                    """, connection);
                AddStateArrays(command, writes);
                command.Parameters.AddWithValue(_owner);
                var written = new HashSet<(string, string)>();
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    written.Add((reader.GetString(0), reader.GetString(1)));
                }

                return [.. writes.Select(w => written.Contains((w.Lease.OrganizationId, w.Lease.AgentKey)))];
            },
            CancellationToken.None,
            statementToken: bound.Token).ConfigureAwait(false);
    }

    private static void AddStateArrays(NpgsqlCommand command, IReadOnlyList<(Lease Lease, AssistantState State)> writes)
    {
        void Add<T>(NpgsqlDbType type, Func<(Lease Lease, AssistantState State), T> value) =>
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = writes.Select(value).ToArray() });

        Add(NpgsqlDbType.Text, w => w.Lease.OrganizationId);
        Add(NpgsqlDbType.Text, w => w.Lease.AgentKey);
        Add(NpgsqlDbType.Text, w => w.State.AssistantId);
        Add(NpgsqlDbType.Text, w => w.State.DefinitionHash);
        Add(NpgsqlDbType.TimestampTz, w => w.State.UpdatedAt.UtcDateTime);
        Add(NpgsqlDbType.Text, w => w.State.AccountFingerprint);
        Add(NpgsqlDbType.Text, w => w.State.LastOutcome?.ToString());
        Add(NpgsqlDbType.Jsonb, w => OrphansJson(w.State));
        Add(NpgsqlDbType.Boolean, w => w.State.NeedsLookup);
        Add(NpgsqlDbType.Bigint, w => w.Lease.FencingToken);
    }

    private static string? OrphansJson(AssistantState state) =>
        state.Orphans is { Count: > 0 } orphans ? JsonSerializer.Serialize([.. orphans], StateJson.Default.OrphanedAssistantArray) : null;

    private static bool IsStorable(Lease lease, AssistantState state) =>
        Sql.IsStorable(lease.OrganizationId) && Sql.IsStorable(lease.AgentKey) && Sql.IsStorable(state.AssistantId)
        && Sql.IsStorable(state.DefinitionHash) && Sql.IsStorable(state.AccountFingerprint)
        && (state.Orphans ?? []).All(o => Sql.IsStorable(o.AssistantId) && Sql.IsStorable(o.AccountFingerprint));

    private static string StateColumnsOf(string alias) => string.Join(", ", StateColumns.Split(", ").Select(c => $"{alias}.{c}"));

    /// <summary>
    /// Runs one lease statement (take, renew, release) in one round trip, with <c>synchronous_commit = off</c> for its
    /// own implicit transaction only (<c>set_config(..., true)</c>: nothing stays on the session, so PgBouncer's
    /// transaction pooling is fine): it does not wait for its own WAL flush. That is safe because the state write that
    /// matters is synchronous and so flushes every earlier lease change with it; a lease change lost in a server crash
    /// only makes the holder's next write fail its fencing check (owner and token must match), or leaves a lease to expire.
    /// </summary>
    /// <remarks>
    /// A take lost in a crash rolls its token back, so the next taker can be handed the same token: the token alone is
    /// not monotonic across a crash, the pair (owner, token) is what fences. Owners are unique per store instance, and
    /// one instance's syncs of an agent never overlap (<see cref="AgentQueue"/>), so two live holders never share the
    /// pair; the lost holder's renewal finds the row changed and fires <c>Lost</c>, its write and release match no row.
    /// The state table's token check stays sound too: a durable state write under token <c>n</c> flushed the take
    /// that raised the token to <c>n</c>, so the lease row never falls below a token written to the state table.
    /// </remarks>
    private async Task<(object? Value, int RowsAffected)> LeaseStatementAsync(string sql, object[] parameters, CancellationToken cancellationToken) =>
        await RunAsync(async (connection, ct) =>
        {
            await using var batch = LeaseBatch(connection, sql, parameters);
            var statement = batch.BatchCommands[2];
            object? value = null;
            await using (var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                await reader.NextResultAsync(ct).ConfigureAwait(false);
                if (reader.FieldCount > 0 && await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    value = reader.GetValue(0);
                }
            }

            return (value, statement.RecordsAffected);
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// One round trip, one transaction: the setting covers exactly its statements. The isolation level is set explicitly:
    /// the take relies on READ COMMITTED (its read sees the write it waited for), and an application's data source may
    /// default to REPEATABLE READ or SERIALIZABLE, where a take that waited for another holder's commit fails with 40001
    /// and fails every agent of its batch. (<c>SET TRANSACTION</c> outside <c>BEGIN</c> would warn on every statement.)
    /// On a failure the connection goes back in an aborted transaction, which Npgsql rolls back as it returns to the pool.
    /// </summary>
    private static NpgsqlBatch LeaseBatch(NpgsqlConnection connection, string sql, object[] parameters, NpgsqlBatchCommand? then = null)
    {
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            statement.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL READ COMMITTED"),
                new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"),
                statement,
            },
        };
        if (then is not null)
        {
            batch.BatchCommands.Add(then);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        return batch;
    }

    /// <summary>
    /// Every statement goes through here: at most <see cref="PostgreSqlStateStoreOptions.MaxConcurrentOperations"/> at
    /// once, each on a pooled connection returned as soon as it completes — so the pool never grows past that number.
    /// <paramref name="statementToken"/>, when given, cancels the statement itself instead of <paramref name="cancellationToken"/>
    /// (which then cancels only the waits before it). Statements never join an ambient <see cref="Transaction"/>.
    /// </summary>
    private async ValueTask<T> RunAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> statement, CancellationToken cancellationToken, bool migrate = true, CancellationToken? statementToken = null)
    {
        if (migrate)
        {
            await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        }

        await _operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Never part of a caller's ambient TransactionScope (Npgsql enlists by default): a host rolling back its own
            // work must not undo a lease or a state row — nor another caller's take batched with it.
            using var noAmbientTransaction = new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await statement(connection, statementToken ?? cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName or PostgresErrorCodes.UndefinedColumn)
        {
            throw new VapiStateStoreException(
                $"The VapiSync tables {_table} and {_leaseTable} do not exist or are out of date. Run PostgreSqlStateStore.MigrateAsync() or the script from GetMigrationScript(), or set MigrateAutomatically.",
                ex);
        }
        catch (Exception ex) when (ex is not (VapiSyncException or OutOfMemoryException) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Callers see the library's typed failure, never Npgsql's (connection refused, pool timeout, server errors, disposed).
            throw new VapiStateStoreException($"The PostgreSQL state store failed ({ex.GetType().Name}: {ex.Message}).", ex);
        }
        finally
        {
            _operations.Release();
        }
    }

    private ValueTask EnsureMigratedAsync(CancellationToken cancellationToken) =>
        _migration.EnsureAsync(_options.MigrateAutomatically, MigrateAsync, cancellationToken);
}
