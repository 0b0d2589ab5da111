namespace VapiSync.Cli;

/// <summary>What <c>vapisync</c> returns, for scripts. Documented in the package README.</summary>
internal static class ExitCodes
{
    /// <summary>Done: the account is clean, the repair finished, nothing is pending.</summary>
    public const int Ok = 0;

    /// <summary>Findings remain, or changes are pending (a dry run, a plan with changes, writes that failed).</summary>
    public const int Pending = 1;

    /// <summary>Usage error: bad arguments, no key in the environment variable, an unreadable agent file.</summary>
    public const int Usage = 2;

    /// <summary>Vapi failed or refused (status and message printed), or could not be reached.</summary>
    public const int Remote = 3;

    /// <summary>Interrupted (Ctrl+C); a repair or apply run again resumes.</summary>
    public const int Cancelled = 130;
}
