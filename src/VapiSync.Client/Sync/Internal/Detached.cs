namespace VapiSync.Client.Sync.Internal;

/// <summary>Starts work that must not run in the caller's execution context (its activity, log scopes, bulk place).</summary>
internal static class Detached
{
    /// <summary>Runs <paramref name="start"/> with the execution context's flow suppressed (already suppressed: as it is).</summary>
    public static void Start(Action start)
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            start();
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            start();
        }
    }
}
