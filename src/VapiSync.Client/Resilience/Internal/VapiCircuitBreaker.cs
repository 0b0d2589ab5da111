using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>A thin facade over Polly's <see cref="CircuitBreakerManualControl"/> and <see cref="CircuitBreakerStateProvider"/>, attached to the pipeline's options.</summary>
internal sealed class VapiCircuitBreaker : IVapiCircuitBreaker
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _openedAtTicks;

    public VapiCircuitBreaker(TimeProvider time, CircuitMetrics metrics, ILogger<VapiCircuitBreaker> logger)
    {
        _time = time;
        _logger = logger;
        metrics.CircuitState = () => (int)State;
    }

    public CircuitBreakerManualControl ManualControl { get; } = new();

    public CircuitBreakerStateProvider StateProvider { get; } = new();

    public CircuitState State => StateProvider.CircuitState;

    public DateTimeOffset? OpenedAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _openedAtTicks);
            return ticks == 0 || State is CircuitState.Closed ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await ManualControl.CloseAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _openedAtTicks, 0);
        Log.CircuitManuallyChanged(_logger, "reset");
    }

    public async Task IsolateAsync(CancellationToken cancellationToken = default)
    {
        await ManualControl.IsolateAsync(cancellationToken).ConfigureAwait(false);
        MarkOpened();
        Log.CircuitIsolated(_logger);
    }

    internal void OnOpened(TimeSpan breakDuration, bool isManual)
    {
        MarkOpened();

        // Isolation opens the circuit "for" TimeSpan.MaxValue (10675199.02:48:05): IsolateAsync says it better, once.
        if (!isManual && breakDuration != TimeSpan.MaxValue)
        {
            Log.CircuitOpened(_logger, breakDuration);
        }
    }

    internal void OnClosed()
    {
        Interlocked.Exchange(ref _openedAtTicks, 0);
        Log.CircuitClosed(_logger);
    }

    internal void OnHalfOpened() => Log.CircuitHalfOpened(_logger);

    private void MarkOpened() => Interlocked.Exchange(ref _openedAtTicks, _time.GetUtcNow().UtcTicks);
}
