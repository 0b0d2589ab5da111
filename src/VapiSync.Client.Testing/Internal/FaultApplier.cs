using Microsoft.AspNetCore.Http;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// Wraps one request's handling in its injected fault: before the work (status, reset, delay) or after it was
/// committed (the write happened, the client learns nothing or something wrong).
/// </summary>
internal sealed class FaultApplier(TimeProvider time)
{
    private const string MalformedJson = "{\"id\": \"3fa85f64-5717-4562-b3fc-2c963f66afa6\", \"name\": <html>oops";

    /// <returns>The status written, or 0 when the connection was aborted.</returns>
    public async Task<int> RunAsync(HttpContext context, Fault? fault, Func<VapiResponse> execute)
    {
        switch (fault?.Kind)
        {
            case FaultKind.Status:
                return await WriteErrorAsync(context, fault.StatusCode, fault.RetryAfter).ConfigureAwait(false);
            case FaultKind.ConnectionReset:
                context.Abort();
                return 0;
            case FaultKind.Delay:
                await Task.Delay(fault.Delay, time, context.RequestAborted).ConfigureAwait(false);
                break;
        }

        var response = execute();
        switch (fault?.Kind)
        {
            case FaultKind.CommitThenFail:
                return await WriteErrorAsync(context, fault.StatusCode, null).ConfigureAwait(false);
            case FaultKind.CommitThenReset:
                context.Abort();
                return 0;
            case FaultKind.CommitThenStall:
                await Task.Delay(fault.Delay, time, context.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.MalformedBody when response.IsSuccess:
                await ResponseWriter.WriteAsync(context, response.Status, MalformedJson, null).ConfigureAwait(false);
                return response.Status;
        }

        await ResponseWriter.WriteAsync(context, response).ConfigureAwait(false);
        return response.Status;
    }

    private static async Task<int> WriteErrorAsync(HttpContext context, int status, TimeSpan? retryAfter)
    {
        await ResponseWriter.WriteAsync(context, VapiErrors.Error(status, [VapiErrors.ReasonText(status)]) with { RetryAfter = retryAfter }).ConfigureAwait(false);
        return status;
    }
}
