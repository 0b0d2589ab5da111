using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Resilience;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>Today's library has one breaker shared by every account of the base URL: one row, "all accounts".</summary>
internal sealed class SharedBreakerCircuits(IServiceProvider services) : IDashboardCircuits
{
    public const string SharedId = "shared";

    private IVapiCircuitBreaker? Breaker => services.GetService<IVapiCircuitBreaker>();

    public IReadOnlyList<CircuitView> List() =>
        Breaker is { } breaker ? [new CircuitView(SharedId, "All accounts (one breaker per base URL)", breaker.State, breaker.OpenedAt)] : [];

    public async Task<bool> ResetAsync(string circuitId, CancellationToken cancellationToken)
    {
        if (circuitId != SharedId || Breaker is not { } breaker)
        {
            return false;
        }

        await breaker.ResetAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> IsolateAsync(string circuitId, CancellationToken cancellationToken)
    {
        if (circuitId != SharedId || Breaker is not { } breaker)
        {
            return false;
        }

        await breaker.IsolateAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
