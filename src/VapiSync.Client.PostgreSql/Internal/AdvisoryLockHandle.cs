using Npgsql;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>
/// A held agent lock: the connection and transaction that hold the advisory lock. The sync's own state reads and
/// writes run on this same connection (one connection per sync, so a busy instance cannot exhaust its pool with
/// lock holders waiting for a second connection), and commit together with the lock's release.
/// </summary>
internal sealed class AdvisoryLockHandle(NpgsqlConnection connection, NpgsqlTransaction transaction, Action<AdvisoryLockHandle> onReleasing, Func<ValueTask> onReleased) : IAsyncDisposable
{
    private int _disposed;

    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>A connection runs one command at a time; other callers for the same agent share it through this gate.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // No new command may start on this connection, and none may be running while it commits.
        onReleasing(this);
        await Gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // Commit, not rollback: state written under the lock must persist even when the sync then failed.
            // Not tied to the sync's token: a cancelled sync must still release its lock.
            await Transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The connection died: PostgreSQL released the lock with the session, and the next sync adopts by sync key.
        }
        finally
        {
            await Transaction.DisposeAsync().ConfigureAwait(false);
            await Connection.DisposeAsync().ConfigureAwait(false);
            Gate.Release();
            await onReleased().ConfigureAwait(false);
        }
    }
}
