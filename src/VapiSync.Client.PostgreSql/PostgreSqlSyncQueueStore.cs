using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using VapiSync.Client.PostgreSql.Internal;
using VapiSync.Client.Queue;

namespace VapiSync.Client.PostgreSql;

/// <summary>
/// The sync queue in a PostgreSQL table, one row per (organization, agent), shared by every instance. Each method is
/// one statement in its own short transaction: no connection is held across a call to Vapi, so connections scale with
/// database work, not with in-flight syncs, and the default pool and server settings suffice.
/// </summary>
/// <remarks>
/// Claims take due rows with <c>FOR UPDATE SKIP LOCKED</c> and stamp them with a fresh lease token and expiry; every
/// later write names the token, so a claimer whose lease was taken over writes nothing. A crashed instance's rows
/// become due when their lease expires. Enqueues bump the row's version, so the completion of an older version leaves
/// a newer one pending instead of marking it synced.
/// </remarks>
public sealed class PostgreSqlSyncQueueStore : ISyncQueueStore, IAsyncDisposable
{
    private const string EntryColumns =
        "organization_id, agent_key, state, operation, version, enqueued_at, pending_since, attempts, next_attempt_at, " +
        "error_code, error_message, error_status, error_transient, error_at, parked_reason, assistant_id, outcome, completed_at, updated_at";

    /// <summary>
    /// The most connections the queue store opens at once: its own pool is capped (a statement beyond it waits for one
    /// to come back), so with the state store's <see cref="PostgreSqlStateStoreOptions.MaxConcurrentOperations"/> (4)
    /// an instance uses at most 8 whatever the number of enqueuers and workers.
    /// </summary>
    internal const int MaxConnections = 4;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlSyncQueueOptions _options;
    private readonly string _table;
    private readonly MigrationGate _migration = new();

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlSyncQueueStore"/> class.</summary>
    /// <param name="options">The store's settings.</param>
    public PostgreSqlSyncQueueStore(IOptions<PostgreSqlSyncQueueOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _table = $"{Sql.Identifier(_options.Schema)}.{Sql.Identifier(_options.TableName)}";
        _dataSource = DataSources.Create(_options.ConnectionString, MaxConnections);
    }

    /// <summary>Returns the idempotent DDL that creates the schema, the queue table and its indexes, for those who run migrations themselves.</summary>
    /// <returns>The SQL script.</returns>
    public string GetMigrationScript()
    {
        var index = Sql.Identifier(_options.TableName + "_due");
        var leases = Sql.Identifier(_options.TableName + "_leases");
        return $"""
            CREATE SCHEMA IF NOT EXISTS {Sql.Identifier(_options.Schema)};
            CREATE TABLE IF NOT EXISTS {_table} (
                organization_id text COLLATE "C" NOT NULL,
                agent_key text COLLATE "C" NOT NULL,
                version bigint NOT NULL,
                operation smallint NOT NULL,
                request jsonb NULL,
                state smallint NOT NULL,
                enqueued_at timestamptz NOT NULL,
                pending_since timestamptz NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NULL,
                lease_token uuid NULL,
                lease_expires_at timestamptz NULL,
                error_code text NULL,
                error_message text NULL,
                error_status integer NULL,
                error_transient boolean NULL,
                error_at timestamptz NULL,
                parked_reason text NULL,
                assistant_id text NULL,
                outcome smallint NULL,
                completed_at timestamptz NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (organization_id, agent_key)
            );
            CREATE INDEX IF NOT EXISTS {index} ON {_table} (next_attempt_at) WHERE state IN (0, 3);
            CREATE INDEX IF NOT EXISTS {leases} ON {_table} (lease_expires_at) WHERE state = 1;
            """;
    }

    /// <summary>Creates the schema, table and indexes if they do not exist. Safe to run concurrently from several instances.</summary>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <returns>A task that completes when the table exists.</returns>
    /// <exception cref="VapiSyncQueueStoreException">The database failed.</exception>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await MigrateCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw StoreFailed(ex);
        }
    }

    private async Task MigrateCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // CREATE ... IF NOT EXISTS still races in the catalog; one migration at a time per table.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("vapisync-queue-migration:" + _table);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(GetMigrationScript(), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _migration.MarkDone();
    }

    /// <inheritdoc />
    public async ValueTask<SyncQueueEntry> EnqueueAsync(string organizationId, string agentKey, SyncQueueOperation operation, AssistantSyncRequest? request, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentKey);

        // A row under a live lease stays processing: the older version's completion hands the newer one back as pending.
        var sql = $"""
            INSERT INTO {_table} AS t (organization_id, agent_key, version, operation, request, state, enqueued_at, pending_since, attempts, next_attempt_at, updated_at)
            VALUES ($1, $2, 1, $3, $4, 0, $5, $5, 0, $5, $5)
            ON CONFLICT (organization_id, agent_key) DO UPDATE SET
                version = t.version + 1,
                operation = EXCLUDED.operation,
                request = EXCLUDED.request,
                state = CASE WHEN t.state = 1 AND t.lease_expires_at > $5 THEN 1 ELSE 0 END,
                enqueued_at = $5,
                pending_since = CASE WHEN t.state IN (0, 1, 3) AND t.pending_since IS NOT NULL THEN t.pending_since ELSE $5 END,
                attempts = 0,
                next_attempt_at = CASE WHEN t.state = 1 AND t.lease_expires_at > $5 THEN NULL ELSE $5 END,
                error_code = NULL, error_message = NULL, error_status = NULL, error_transient = NULL, error_at = NULL,
                parked_reason = NULL,
                updated_at = $5
            RETURNING {EntryColumns}
            """;
        return (await QuerySingleAsync(sql, ReadEntry, cancellationToken, organizationId, agentKey, (short)operation, Json(SerializeRequest(request)), now).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SyncQueueWorkItem>> ClaimAsync(int maxItems, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var sql = $"""
            WITH due AS (
                SELECT organization_id, agent_key FROM {_table}
                WHERE (state IN (0, 3) AND next_attempt_at <= $2) OR (state = 1 AND lease_expires_at <= $2)
                ORDER BY COALESCE(next_attempt_at, lease_expires_at)
                LIMIT $1
                FOR UPDATE SKIP LOCKED)
            UPDATE {_table} AS t
            SET state = 1, lease_token = gen_random_uuid(), lease_expires_at = $3, next_attempt_at = NULL, updated_at = $2
            FROM due
            WHERE t.organization_id = due.organization_id AND t.agent_key = due.agent_key
            RETURNING t.organization_id, t.agent_key, t.operation, t.request, t.version, t.attempts, t.lease_token, t.lease_expires_at, t.pending_since
            """;
        var claimed = await QueryAsync(sql, ReadClaimedRow, cancellationToken, maxItems, now, now + leaseDuration).ConfigureAwait(false);
        var items = new List<SyncQueueWorkItem>(claimed.Count);
        foreach (var (item, unreadable) in claimed)
        {
            if (unreadable is null)
            {
                items.Add(item);
                continue;
            }

            // A row whose request cannot be read (written by another version, edited by hand) is parked under this claim,
            // so it neither strands the items claimed with it nor comes back every lease.
            var error = new SyncQueueError { ErrorCode = VapiErrorCodes.QueueStoreFailed, Message = unreadable, OccurredAt = now };
            await ParkAsync(item, error, $"The queued request cannot be read: {unreadable}", now, cancellationToken).ConfigureAwait(false);
        }

        return items;
    }

    /// <summary>Reads a claimed row; a request that cannot be read is reported instead of failing the whole claim.</summary>
    private static (SyncQueueWorkItem Item, string? Unreadable) ReadClaimedRow(NpgsqlDataReader r)
    {
        try
        {
            return (ReadWorkItem(r), null);
        }
        catch (JsonException ex)
        {
            var stub = new SyncQueueWorkItem
            {
                OrganizationId = r.GetString(0),
                AgentKey = r.GetString(1),
                Operation = (SyncQueueOperation)r.GetInt16(2),
                Request = null,
                Version = r.GetInt64(4),
                Attempts = r.GetInt32(5),
                LeaseToken = r.GetGuid(6),
                LeaseExpiresAt = r.GetFieldValue<DateTimeOffset>(7),
            };
            return (stub, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <inheritdoc />
    public async ValueTask<SyncQueueWorkItem?> RenewAsync(SyncQueueWorkItem item, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);

        // One short statement, fenced by the token; state 1 also refuses a row an enqueue handed back after its lease
        // expired. The stored request is read back only when a newer version replaced the claimed one (rare), so the
        // usual renewal stays as small as before.
        var sql = $"""
            UPDATE {_table} SET lease_expires_at = $4
            WHERE organization_id = $1 AND agent_key = $2 AND lease_token = $3 AND state = 1
            RETURNING organization_id, agent_key, operation, CASE WHEN version <> $5 THEN request END, version, attempts, lease_token, lease_expires_at, pending_since
            """;
        var rows = await QueryAsync(
            sql,
            r => r.GetInt64(4) == item.Version
                ? item with { LeaseExpiresAt = r.GetFieldValue<DateTimeOffset>(7), Attempts = r.GetInt32(5) }
                : ReadWorkItem(r),
            cancellationToken,
            item.OrganizationId,
            item.AgentKey,
            item.LeaseToken,
            now + leaseDuration,
            item.Version).ConfigureAwait(false);
        return rows is [var renewed, ..] ? renewed : null;
    }

    /// <inheritdoc />
    public ValueTask<SyncQueueEntry?> CompleteAsync(SyncQueueWorkItem item, string? assistantId, SyncOutcome? outcome, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        SettleAsync(item, now, $"""
            state = CASE WHEN version = $4 THEN 2 ELSE 0 END,
            pending_since = CASE WHEN version = $4 THEN NULL ELSE pending_since END,
            next_attempt_at = CASE WHEN version = $4 THEN NULL ELSE $3 END,
            attempts = 0,
            error_code = CASE WHEN version = $4 THEN NULL ELSE error_code END,
            error_message = CASE WHEN version = $4 THEN NULL ELSE error_message END,
            error_status = CASE WHEN version = $4 THEN NULL ELSE error_status END,
            error_transient = CASE WHEN version = $4 THEN NULL ELSE error_transient END,
            error_at = CASE WHEN version = $4 THEN NULL ELSE error_at END,
            parked_reason = NULL,
            assistant_id = $6::text, outcome = $7::smallint, completed_at = $3
            """, cancellationToken, assistantId, outcome is { } o ? (short)o : null);

    /// <inheritdoc />
    public ValueTask<SyncQueueEntry?> FailAsync(SyncQueueWorkItem item, SyncQueueError error, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return SettleAsync(item, now, $"""
            state = CASE WHEN version = $4 THEN 3 ELSE 0 END,
            attempts = CASE WHEN version = $4 THEN attempts + 1 ELSE 0 END,
            next_attempt_at = CASE WHEN version = $4 THEN $11::timestamptz ELSE $3 END,
            parked_reason = NULL,
            {ErrorAssignments}
            """, cancellationToken, ErrorParameters(error, retryAt));
    }

    /// <inheritdoc />
    public ValueTask<SyncQueueEntry?> ParkAsync(SyncQueueWorkItem item, SyncQueueError error, string reason, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return SettleAsync(item, now, $"""
            state = CASE WHEN version = $4 THEN 4 ELSE 0 END,
            attempts = CASE WHEN version = $4 THEN attempts + 1 ELSE 0 END,
            next_attempt_at = CASE WHEN version = $4 THEN NULL ELSE $3 END,
            pending_since = CASE WHEN version = $4 THEN NULL ELSE pending_since END,
            parked_reason = CASE WHEN version = $4 THEN $11::text ELSE NULL END,
            {ErrorAssignments}
            """, cancellationToken, ErrorParameters(error, reason));
    }

    /// <inheritdoc />
    public ValueTask<SyncQueueEntry?> ReleaseAsync(SyncQueueWorkItem item, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        SettleAsync(item, now, """
            state = CASE WHEN version <> $4 THEN 0 WHEN attempts > 0 THEN 3 ELSE 0 END,
            attempts = CASE WHEN version = $4 THEN attempts ELSE 0 END,
            next_attempt_at = CASE WHEN version = $4 THEN $6::timestamptz ELSE $3 END,
            parked_reason = NULL
            """, cancellationToken, retryAt);

    /// <inheritdoc />
    public async ValueTask<SyncQueueEntry?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
        await QuerySingleAsync($"SELECT {EntryColumns} FROM {_table} WHERE organization_id = $1 AND agent_key = $2", ReadEntry, cancellationToken, organizationId, agentKey).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SyncQueuePage> ListAsync(SyncQueueQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var after = PageToken.Parse(query.ContinuationToken);
        var sql = $"""
            SELECT {EntryColumns} FROM {_table}
            WHERE ($1::smallint IS NULL OR state = $1) AND ($2::text IS NULL OR organization_id = $2)
              AND ($3::text IS NULL OR (organization_id, agent_key) > ($3::text, $4::text))
            ORDER BY organization_id, agent_key
            LIMIT $5
            """;
        var rows = await QueryAsync(
            sql,
            ReadEntry,
            cancellationToken,
            query.State is { } state ? (short)state : null,
            query.OrganizationId,
            after?.Org,
            after?.Agent,
            query.PageSize + 1).ConfigureAwait(false);
        if (rows.Count <= query.PageSize)
        {
            return new SyncQueuePage { Items = rows };
        }

        var items = rows.Take(query.PageSize).ToList();
        return new SyncQueuePage { Items = items, ContinuationToken = PageToken.Create(items[^1].OrganizationId, items[^1].AgentKey) };
    }

    /// <inheritdoc />
    public async ValueTask<bool> RetryAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            $"""
            UPDATE {_table} SET state = 0, attempts = 0, next_attempt_at = $3, pending_since = COALESCE(pending_since, $3), parked_reason = NULL,
                error_code = NULL, error_message = NULL, error_status = NULL, error_transient = NULL, error_at = NULL, updated_at = $3
            WHERE organization_id = $1 AND agent_key = $2 AND state IN (3, 4)
            """,
            cancellationToken,
            organizationId,
            agentKey,
            now).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async ValueTask<bool> DiscardAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            $"DELETE FROM {_table} WHERE organization_id = $1 AND agent_key = $2 AND NOT (state = 1 AND lease_expires_at > $3)",
            cancellationToken,
            organizationId,
            agentKey,
            now).ConfigureAwait(false) > 0;

    /// <inheritdoc />
    public async ValueTask<SyncQueueStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var sql = $"""
            SELECT count(*) FILTER (WHERE state = 0), count(*) FILTER (WHERE state = 1), count(*) FILTER (WHERE state = 3),
                   count(*) FILTER (WHERE state = 4), count(*) FILTER (WHERE state = 2), min(pending_since) FILTER (WHERE state <> 4)
            FROM {_table}
            """;
        return (await QuerySingleAsync(
            sql,
            r => new SyncQueueStatistics
            {
                Pending = r.GetInt64(0),
                Processing = r.GetInt64(1),
                Failing = r.GetInt64(2),
                Parked = r.GetInt64(3),
                Synced = r.GetInt64(4),
                OldestPendingSince = r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
                Timestamp = now,
            },
            cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _migration.Dispose();
        return _dataSource.DisposeAsync();
    }

    private const string ErrorAssignments = "error_code = $6::text, error_message = $7::text, error_status = $8::integer, error_transient = $9::boolean, error_at = $10::timestamptz";

    private static object?[] ErrorParameters(SyncQueueError error, object extra) =>
        [error.ErrorCode, error.Message, (int)error.StatusCode, error.IsTransient, error.OccurredAt, extra];

    private ValueTask<SyncQueueEntry?> SettleAsync(SyncQueueWorkItem item, DateTimeOffset now, string assignments, CancellationToken cancellationToken, params object?[] extra)
    {
        ArgumentNullException.ThrowIfNull(item);

        // Fenced by the lease token: a claimer whose lease expired and was taken over changes nothing.
        var sql = $"""
            UPDATE {_table} SET
            {assignments},
            lease_token = NULL, lease_expires_at = NULL, updated_at = $3
            WHERE organization_id = $1 AND agent_key = $2 AND lease_token = $5
            RETURNING {EntryColumns}
            """;
        object?[] parameters = [item.OrganizationId, item.AgentKey, now, item.Version, item.LeaseToken, .. extra];
        return QuerySingleAsync(sql, ReadEntry, cancellationToken, parameters);
    }

    private static SyncQueueEntry ReadEntry(NpgsqlDataReader r) => new()
    {
        OrganizationId = r.GetString(0),
        AgentKey = r.GetString(1),
        State = (SyncQueueState)r.GetInt16(2),
        Operation = (SyncQueueOperation)r.GetInt16(3),
        Version = r.GetInt64(4),
        EnqueuedAt = r.GetFieldValue<DateTimeOffset>(5),
        PendingSince = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
        Attempts = r.GetInt32(7),
        NextAttemptAt = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
        LastError = r.IsDBNull(9) ? null : new SyncQueueError
        {
            ErrorCode = r.GetString(9),
            Message = r.IsDBNull(10) ? string.Empty : r.GetString(10),
            StatusCode = r.IsDBNull(11) ? 0 : (HttpStatusCode)r.GetInt32(11),
            IsTransient = !r.IsDBNull(12) && r.GetBoolean(12),
            OccurredAt = r.IsDBNull(13) ? default : r.GetFieldValue<DateTimeOffset>(13),
        },
        ParkedReason = r.IsDBNull(14) ? null : r.GetString(14),
        AssistantId = r.IsDBNull(15) ? null : r.GetString(15),
        Outcome = r.IsDBNull(16) ? null : (SyncOutcome)r.GetInt16(16),
        CompletedAt = r.IsDBNull(17) ? null : r.GetFieldValue<DateTimeOffset>(17),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(18),
    };

    private static SyncQueueWorkItem ReadWorkItem(NpgsqlDataReader r)
    {
        var organizationId = r.GetString(0);
        var agentKey = r.GetString(1);
        return new SyncQueueWorkItem
        {
            OrganizationId = organizationId,
            AgentKey = agentKey,
            Operation = (SyncQueueOperation)r.GetInt16(2),
            Request = r.IsDBNull(3) ? null : DeserializeRequest(organizationId, agentKey, r.GetString(3)),
            Version = r.GetInt64(4),
            Attempts = r.GetInt32(5),
            LeaseToken = r.GetGuid(6),
            LeaseExpiresAt = r.GetFieldValue<DateTimeOffset>(7),
            PendingSince = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
        };
    }

    private static string? SerializeRequest(AssistantSyncRequest? request) => request is null
        ? null
        : new JsonObject
        {
            ["definition"] = JsonNode.Parse(request.Assistant.ToJson()),
            ["knownAssistantId"] = request.KnownAssistantId,
            ["force"] = request.Force,
        }.ToJsonString();

    /// <summary>Reads a stored request; any shape other than the one <see cref="SerializeRequest"/> writes is a <see cref="JsonException"/>.</summary>
    private static AssistantSyncRequest DeserializeRequest(string organizationId, string agentKey, string json)
    {
        if (JsonNode.Parse(json) is not JsonObject { } node || node["definition"] is not JsonObject definition
            || node["knownAssistantId"] is { } known && known.GetValueKind() != JsonValueKind.String
            || node["force"] is { } force && force.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new JsonException("The stored request is not an object with a 'definition' object, an optional 'knownAssistantId' string and an optional 'force' boolean.");
        }

        return new AssistantSyncRequest(organizationId, agentKey, AssistantDefinition.FromJson(definition.ToJsonString()))
        {
            KnownAssistantId = node["knownAssistantId"]?.GetValue<string>(),
            Force = node["force"]?.GetValue<bool>() ?? false,
        };
    }

    private static NpgsqlParameter Json(string? json) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)json ?? DBNull.Value };

    private async ValueTask<SyncQueueEntry?> QuerySingleAsync(string sql, Func<NpgsqlDataReader, SyncQueueEntry> read, CancellationToken cancellationToken, params object?[] parameters) =>
        (await QueryAsync(sql, read, cancellationToken, parameters).ConfigureAwait(false)) is [var single, ..] ? single : null;

    private async ValueTask<T?> QuerySingleAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] parameters)
        where T : class =>
        (await QueryAsync(sql, read, cancellationToken, parameters).ConfigureAwait(false)) is [var single, ..] ? single : null;

    private async ValueTask<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] parameters)
    {
        try
        {
            await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
            await using var command = CreateCommand(sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        catch (NpgsqlException ex)
        {
            throw StoreFailed(ex);
        }
    }

    private async ValueTask<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        try
        {
            await EnsureMigratedAsync(cancellationToken).ConfigureAwait(false);
            await using var command = CreateCommand(sql, parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw StoreFailed(ex);
        }
    }

    /// <summary>
    /// Hosts catch the library's one exception base, so a database failure is wrapped; Npgsql's message names the
    /// server and the error, never the connection string's password.
    /// </summary>
    private VapiSyncQueueStoreException StoreFailed(NpgsqlException ex) => new(
        $"The sync queue's PostgreSQL table {_table} could not be used: {ex.Message}",
        ex.IsTransient || ex is not PostgresException,
        ex);

    private NpgsqlCommand CreateCommand(string sql, object?[] parameters)
    {
        var command = _dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter switch
            {
                NpgsqlParameter p => p,
                DateTimeOffset time => new NpgsqlParameter { Value = time.ToUniversalTime() },
                null => new NpgsqlParameter { Value = DBNull.Value },
                _ => new NpgsqlParameter { Value = parameter },
            });
        }

        return command;
    }

    private ValueTask EnsureMigratedAsync(CancellationToken cancellationToken) =>
        _migration.EnsureAsync(_options.MigrateAutomatically, MigrateAsync, cancellationToken);
}
