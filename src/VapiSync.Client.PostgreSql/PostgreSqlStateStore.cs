using System.Buffers.Binary;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using System.Collections.Concurrent;
using Npgsql;
using VapiSync.Client.PostgreSql.Internal;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.PostgreSql;

/// <summary>
/// Keeps the sync state in a PostgreSQL table and serializes syncs of one agent across every instance with a
/// transaction-scoped advisory lock: released on commit, rollback, cancellation, or when the holder's connection dies.
/// </summary>
public sealed class PostgreSqlStateStore : IAssistantStateStore, IAssistantSyncLock, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlStateStoreOptions _options;
    private readonly string _table;
    private readonly SemaphoreSlim _migrationGate = new(1, 1);
    private readonly InProcessAssistantSyncLock _local = new();
    private readonly ConcurrentDictionary<(string, string), AdvisoryLockHandle> _held = new();
    private volatile bool _migrated;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlStateStore"/> class.</summary>
    /// <param name="options">The store's settings.</param>
    public PostgreSqlStateStore(IOptions<PostgreSqlStateStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _table = $"{Sql.Identifier(_options.Schema)}.{Sql.Identifier(_options.TableName)}";
        _dataSource = NpgsqlDataSource.Create(_options.ConnectionString);
    }

    /// <summary>Returns the idempotent DDL that creates the schema and the state table, for those who run migrations themselves.</summary>
    /// <returns>The SQL script.</returns>
    public string GetMigrationScript() => $"""
        CREATE SCHEMA IF NOT EXISTS {Sql.Identifier(_options.Schema)};
        CREATE TABLE IF NOT EXISTS {_table} (
            organization_id text NOT NULL,
            agent_key text NOT NULL,
            assistant_id text NOT NULL,
            definition_hash text NOT NULL,
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (organization_id, agent_key)
        );
        """;

    /// <summary>Creates the schema and table if they do not exist. Safe to run concurrently from several instances.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the table exists.</returns>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // CREATE ... IF NOT EXISTS still races in the catalog; one migration at a time per table.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue(LockKey("migration", _table));
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(GetMigrationScript(), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _migrated = true;
    }

    /// <inheritdoc />
    public ValueTask<AssistantState?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        ExecuteAsync(organizationId, agentKey, async command =>
        {
            command.CommandText = $"SELECT assistant_id, definition_hash, updated_at FROM {_table} WHERE organization_id = $1 AND agent_key = $2";
            command.Parameters.AddWithValue(organizationId);
            command.Parameters.AddWithValue(agentKey);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new AssistantState(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask SetAsync(string organizationId, string agentKey, AssistantState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        await ExecuteAsync(organizationId, agentKey, command =>
        {
            command.CommandText = $"""
                INSERT INTO {_table} (organization_id, agent_key, assistant_id, definition_hash, updated_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (organization_id, agent_key) DO UPDATE
                SET assistant_id = EXCLUDED.assistant_id, definition_hash = EXCLUDED.definition_hash, updated_at = EXCLUDED.updated_at
                """;
            command.Parameters.AddWithValue(organizationId);
            command.Parameters.AddWithValue(agentKey);
            command.Parameters.AddWithValue(state.AssistantId);
            command.Parameters.AddWithValue(state.DefinitionHash);
            command.Parameters.AddWithValue(state.UpdatedAt.ToUniversalTime());
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        ExecuteAsync(organizationId, agentKey, async command =>
        {
            command.CommandText = $"DELETE FROM {_table} WHERE organization_id = $1 AND agent_key = $2";
            command.Parameters.AddWithValue(organizationId);
            command.Parameters.AddWithValue(agentKey);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="TimeoutException">Another instance held the agent's lock longer than <see cref="PostgreSqlStateStoreOptions.LockTimeout"/>.</exception>
    public async ValueTask<IAsyncDisposable> AcquireAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);

        // Saves of one agent in this instance queue here, not in the pool: one connection per agent, not per caller.
        IAsyncDisposable local;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_options.LockTimeout);
            try
            {
                local = await _local.AcquireAsync(organizationId, agentKey, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw LockTimeout(organizationId, agentKey, ex);
            }
        }

        NpgsqlConnection? connection = null;
        NpgsqlTransaction? transaction = null;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var settings = new NpgsqlCommand(
                $"SET LOCAL lock_timeout = {(long)_options.LockTimeout.TotalMilliseconds}; " +
                $"SET LOCAL idle_in_transaction_session_timeout = {(long)_options.LockHolderIdleTimeout.TotalMilliseconds}",
                connection,
                transaction))
            {
                await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                command.Parameters.AddWithValue(LockKey(organizationId, agentKey));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var key = (organizationId, agentKey);
            var handle = new AdvisoryLockHandle(
                connection,
                transaction,
                h => _held.TryRemove(new KeyValuePair<(string, string), AdvisoryLockHandle>(key, h)),
                () => local.DisposeAsync());
            _held[key] = handle;
            return handle;
        }
        catch (Exception ex)
        {
            // Nothing goes back to the pool holding a transaction (and with it, a lock).
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            await local.DisposeAsync().ConfigureAwait(false);
            if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable })
            {
                throw LockTimeout(organizationId, agentKey, ex);
            }

            throw;
        }
    }

    /// <summary>Closes the connection pool.</summary>
    /// <returns>A task that completes when the pool is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        _migrationGate.Dispose();
    }

    /// <summary>The advisory lock key: the first 8 bytes of SHA-256 over both ids (a collision only serializes two agents).</summary>
    internal static long LockKey(string organizationId, string agentKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(organizationId + "\u0000" + agentKey), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    private TimeoutException LockTimeout(string organizationId, string agentKey, Exception inner) => new(
        $"Another sync of agent '{agentKey}' of organization '{organizationId}' has held its lock for longer than {_options.LockTimeout}.", inner);

    /// <summary>Runs a command on the agent's lock connection when this instance holds it, else on a pooled connection.</summary>
    private async ValueTask<T> ExecuteAsync<T>(string organizationId, string agentKey, Func<NpgsqlCommand, Task<T>> run, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held.TryGetValue((organizationId, agentKey), out var handle))
            {
                await handle.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await using var command = new NpgsqlCommand(null, handle.Connection, handle.Transaction);
                    return await run(command).ConfigureAwait(false);
                }
                finally
                {
                    handle.Gate.Release();
                }
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var pooled = connection.CreateCommand();
            return await run(pooled).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            throw new InvalidOperationException(
                $"The VapiSync state table {_table} does not exist. Run PostgreSqlStateStore.MigrateAsync() or the script from GetMigrationScript(), or set MigrateAutomatically.",
                ex);
        }
    }

    private async ValueTask EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        if (_migrated || !_options.MigrateAutomatically)
        {
            return;
        }

        await _migrationGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _migrationGate.Release();
        }
    }
}
