using Microsoft.Extensions.Logging;

namespace VapiSync.Client.Sync.Internal;

/// <summary>The log lines of a bulk call's deferred convergence check.</summary>
internal static partial class ConvergenceLog
{
    [LoggerMessage(1400, LogLevel.Warning, "Could not check {Count} creates of a bulk sync for concurrent creates by other instances; each agent's next sync lists the account and settles it")]
    public static partial void BatchConvergenceFailed(ILogger logger, Exception exception, int count);
}
