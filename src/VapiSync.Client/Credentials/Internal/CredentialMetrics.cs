using System.Diagnostics.Metrics;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>The credential chain's instrument on the library's <c>VapiSync.Client</c> meter (the factory hands back the one meter).</summary>
internal sealed class CredentialMetrics
{
    private readonly Counter<long> _credentialResolutions;

    public CredentialMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(VapiSyncTelemetry.Name);
        _credentialResolutions = meter.CreateCounter<long>("vapisync.credential.resolution.count", "{resolution}", "Credential lookups by the source that supplied the key.");
    }

    public void RecordCredential(string source, bool fellThrough, bool afterFailure) =>
        _credentialResolutions.Add(
            1,
            new("vapisync.credential.source", source),
            new("vapisync.credential.fell_through", fellThrough),
            new("vapisync.credential.after_failure", afterFailure));
}
