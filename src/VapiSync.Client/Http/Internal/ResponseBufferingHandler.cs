namespace VapiSync.Client.Http.Internal;

/// <summary>
/// Reads each attempt's whole body inside the resilience pipeline, under the attempt and total timeouts. Without it
/// the body is read after the pipeline has returned, outside every timeout: a server (or proxy) that sends headers and
/// then stalls would block the call until the caller gives up, forever with the default token.
/// </summary>
internal sealed class ResponseBufferingHandler : DelegatingHandler
{
    /// <summary>Far above any real answer (a full listing page of large assistants is a few MB), far below what exhausts memory.</summary>
    internal const long MaxResponseBytes = 64L * 1024 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            await response.Content.LoadIntoBufferAsync(MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            response.Dispose();
            throw new ResponseTooLargeException(response.StatusCode, ex);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}

/// <summary>Vapi's answer exceeded <see cref="ResponseBufferingHandler.MaxResponseBytes"/>; translated to a malformed response.</summary>
internal sealed class ResponseTooLargeException(System.Net.HttpStatusCode statusCode, Exception inner)
    : Exception($"The answer is larger than {ResponseBufferingHandler.MaxResponseBytes} bytes.", inner)
{
    public System.Net.HttpStatusCode StatusCode { get; } = statusCode;
}
