namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>
/// Runs a store's first-use migration once per instance: concurrent first calls wait for one migration instead of
/// racing the catalog; a failed migration is tried again by the next call.
/// </summary>
internal sealed class MigrationGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    /// <summary>Records that the schema is in place (an explicit <c>MigrateAsync</c> succeeded).</summary>
    public void MarkDone() => _done = true;

    /// <summary>Migrates with <paramref name="migrate"/> unless that already happened or <paramref name="enabled"/> is off.</summary>
    public async ValueTask EnsureAsync(bool enabled, Func<CancellationToken, Task> migrate, CancellationToken cancellationToken)
    {
        if (_done || !enabled)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await migrate(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
