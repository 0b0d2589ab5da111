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
    /// Reads the body to its end (so the connection goes back to the pool) and keeps none of it. The content copies
    /// itself as it does when buffered, with the token: a stalled body ends with the attempt's timeout, and a broken
    /// connection fails with the same exception, so retries and the breaker see no difference.
    /// </summary>
    private static Task DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.Content.CopyToAsync(new DiscardingStream(), cancellationToken);

    /// <summary>Counts what is written and drops it; past <see cref="MaxResponseBytes"/> it fails as the buffering does.</summary>
    private sealed class DiscardingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _length += buffer.Length;
            if (_length > MaxResponseBytes)
            {
                throw new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, $"The answer is larger than {MaxResponseBytes} bytes.");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>Vapi's answer exceeded <see cref="ResponseBufferingHandler.MaxResponseBytes"/>; translated to a malformed response.</summary>
internal sealed class ResponseTooLargeException(System.Net.HttpStatusCode statusCode, Exception inner)
    : Exception($"The answer is larger than {ResponseBufferingHandler.MaxResponseBytes} bytes.", inner)
{
    public System.Net.HttpStatusCode StatusCode { get; } = statusCode;
}
