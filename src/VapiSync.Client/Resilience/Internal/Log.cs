using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Resilience.Internal;

/// <summary>The circuit breaker's logs (event ids 4000–4099).</summary>
internal static partial class Log
{
    [LoggerMessage(4000, LogLevel.Warning, "The Vapi circuit breaker opened for {BreakDuration}: calls are suspended")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(4004, LogLevel.Warning, "The Vapi circuit breaker was isolated manually: calls are suspended until it is reset")]
    public static partial void CircuitIsolated(ILogger logger);

    [LoggerMessage(4001, LogLevel.Information, "The Vapi circuit breaker closed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(4002, LogLevel.Information, "The Vapi circuit breaker is half-open: trying one call")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(4003, LogLevel.Warning, "The Vapi circuit breaker was {Action} manually")]
    public static partial void CircuitManuallyChanged(ILogger logger, string action);
}
