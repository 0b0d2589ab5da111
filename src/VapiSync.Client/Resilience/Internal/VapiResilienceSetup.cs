using Microsoft.Extensions.Http.Resilience;
using Polly;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>
/// What the library enforces on top of the standard pipeline, after the user's own configuration: POST is never
/// retried (Vapi has no idempotency key, a retried create can duplicate); the breaker, shared by every tenant, counts
/// only Vapi's own failures (5xx, 408, timeouts, connection failures — never 429 or another 4xx, which are about one
/// account or one request); and it is observable and resettable.
/// </summary>
internal static class VapiResilienceSetup
{
    public static void Enforce(HttpStandardResilienceOptions options, VapiCircuitBreaker breaker)
    {
        options.Retry.DisableFor(HttpMethod.Post);

        options.CircuitBreaker.ShouldHandle = static args =>
            ValueTask.FromResult(FailureClassifier.CountsForBreaker(args.Outcome.Result?.StatusCode, args.Outcome.Exception));

        options.CircuitBreaker.ManualControl = breaker.ManualControl;
        options.CircuitBreaker.StateProvider = breaker.StateProvider;
        options.CircuitBreaker.OnOpened = Chain(options.CircuitBreaker.OnOpened, args =>
        {
            breaker.OnOpened(args.BreakDuration, args.IsManual);
            return default;
        });
        options.CircuitBreaker.OnClosed = Chain(options.CircuitBreaker.OnClosed, _ =>
        {
            breaker.OnClosed();
            return default;
        });
        options.CircuitBreaker.OnHalfOpened = Chain(options.CircuitBreaker.OnHalfOpened, _ =>
        {
            breaker.OnHalfOpened();
            return default;
        });
    }

    private static Func<T, ValueTask> Chain<T>(Func<T, ValueTask>? first, Func<T, ValueTask> second) =>
        first is null ? second : async args =>
        {
            await first(args).ConfigureAwait(false);
            await second(args).ConfigureAwait(false);
        };
}
