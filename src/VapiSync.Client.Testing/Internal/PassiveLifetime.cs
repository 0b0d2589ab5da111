using Microsoft.Extensions.Hosting;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// The fake lives inside someone else's process: it must not take over Ctrl+C / SIGTERM (the default console lifetime
/// would, and a console app awaiting its own shutdown signal would then never see it).
/// </summary>
internal sealed class PassiveLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
