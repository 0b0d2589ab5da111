using System.Buffers;

namespace VapiSync.Client.Http.Internal;

/// <summary>
/// Reads each attempt's whole body inside the resilience pipeline, under the attempt and total timeouts. Without it
/// the body is read after the pipeline has returned, outside every timeout: a server (or proxy) that sends headers and
/// then stalls would block the call until the caller gives up, forever with the default token.
/// </summary>
/// <remarks>
/// A request marked with <see cref="DiscardSuccessBody"/> (a write whose caller needs only the status) has a success
/// body read to its end just the same, under the same timeouts and size limit, but into a pooled buffer that is then
/// dropped: the answer is not kept in memory for nobody. Any other answer (a failure, whose body carries Vapi's message)
/// is buffered as usual.
/// </remarks>
internal sealed class ResponseBufferingHandler : DelegatingHandler
{
    /// <summary>Far above any real answer (a full listing page of large assistants is a few MB), far below what exhausts memory.</summary>
    internal const long MaxResponseBytes = 64L * 1024 * 1024;

    /// <summary>Marks a request whose success body is read and dropped; its value is <see cref="Discard"/>.</summary>
    internal static readonly HttpRequestOptionsKey<object> DiscardSuccessBody = new("VapiSync.Client.DiscardSuccessBody");

    /// <summary>The marker's value: one shared object, so marking a request allocates nothing.</summary>
    internal static readonly object Discard = new();

    private const int DrainBufferBytes = 4096;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.IsSuccessStatusCode && request.Options.TryGetValue(DiscardSuccessBody, out _))
            {
                await DrainAsync(response, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await response.Content.LoadIntoBufferAsync(MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            }

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

    /// <summary>
    /// Reads the body to its end (so the connection goes back to the pool) and keeps none of it. A broken connection
    /// fails as <see cref="HttpContent.LoadIntoBufferAsync(long, CancellationToken)"/> fails it, so retries and the
    /// breaker see the same exception either way.
    /// </summary>
    private static async Task DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(DrainBufferBytes);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                long total = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > MaxResponseBytes)
                    {
                        throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, $"The answer is larger than {MaxResponseBytes} bytes.");
                    }
                }
            }
        }
        catch (IOException ex)
        {
            throw new HttpRequestException("Error while copying content to a stream.", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Vapi's answer exceeded <see cref="ResponseBufferingHandler.MaxResponseBytes"/>; translated to a malformed response.</summary>
internal sealed class ResponseTooLargeException(System.Net.HttpStatusCode statusCode, Exception inner)
    : Exception($"The answer is larger than {ResponseBufferingHandler.MaxResponseBytes} bytes.", inner)
{
    public System.Net.HttpStatusCode StatusCode { get; } = statusCode;
}
