using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using VapiSync.Client.Diagnostics;

namespace VapiSync.Client.OpenTelemetry.Internal;

/// <summary>
/// Completes VapiSync.Client's spans with OpenTelemetry's semantic conventions for errors: a client span whose
/// <c>http.response.status_code</c> is 400 or more is an error, and every failed span says why in <c>error.type</c>
/// (the status code, or the library's failure code such as <c>timeout</c>), as exporters and dashboards expect.
/// </summary>
internal sealed class ErrorTypeProcessor : BaseProcessor<Activity>
{
    private const string ErrorType = "error.type";

    public override void OnEnd(Activity data)
    {
        if (data.Source.Name != VapiSyncTelemetry.Name || data.GetTagItem(ErrorType) is not null)
        {
            return;
        }

        if (data.GetTagItem("http.response.status_code") is int status && status >= 400)
        {
            data.SetTag(ErrorType, status.ToString(CultureInfo.InvariantCulture));
            data.SetStatus(ActivityStatusCode.Error);
        }
        else if (data.Status == ActivityStatusCode.Error)
        {
            data.SetTag(ErrorType, string.IsNullOrEmpty(data.StatusDescription) ? "_OTHER" : data.StatusDescription);
        }
    }
}
