namespace VapiSync.Cli;

/// <summary>A mistake on the command line or in the agent files: reported with exit code <see cref="ExitCodes.Usage"/>.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
