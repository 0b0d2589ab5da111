using VapiSync.Client.Resilience.Internal;

namespace VapiSync.Client.Http.Internal;

/// <summary>
/// Reads each attempt's whole body inside the resilience pipeline, under the attempt and total timeouts. Without it
/// the body is read after the pipeline has returned, outside every timeout: a server (or proxy) that sends headers and
/// then stalls would block the call until the caller gives up, forever with the default token.
/// </summary>
/// <remarks>
/// A request marked as not needing its answer (a write whose caller needs only the status: its body is a
/// <see cref="StatusOnlyContent"/>, or, without a body, it carries <see cref="DiscardSuccessBody"/>) has a success
/// body read to its end just the same, under the same timeouts and size limit, but counted and dropped as it arrives:
/// the answer is not kept in memory for nobody. Any other answer (a failure, whose body carries Vapi's message)
/// is buffered as usual.
/// <para>
/// It also records the account pauses Vapi asks for (<see cref="RetryAfterGate"/>): one handler, one asynchronous step
/// per attempt instead of two.
/// </para>
/// </remarks>
internal sealed class ResponseBufferingHandler(RetryAfterPauses pauses, TimeProvider time) : DelegatingHandler
{
    /// <summary>Far above any real answer (a full listing page of large assistants is a few MB), far below what exhausts memory.</summary>
    internal const long MaxResponseBytes = 64L * 1024 * 1024;

    /// <summary>Marks a request without a body whose success body is read and dropped; its value is <see cref="Discard"/>.</summary>
    internal static readonly HttpRequestOptionsKey<object> DiscardSuccessBody = new("VapiSync.Client.DiscardSuccessBody");

    /// <summary>The marker's value: one shared object, so marking a request allocates nothing.</summary>
    internal static readonly object Discard = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            RetryAfterGate.Record(pauses, time, request, response);
            if (response.IsSuccessStatusCode && (request.Content is StatusOnlyContent || request.Options.TryGetValue(DiscardSuccessBody, out _)))
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

/// <summary>
/// The body of a write whose caller needs only the status of the answer. The type itself is the mark: an entry in the
/// request's options would cost the options dictionary a resize on every request.
/// </summary>
internal sealed class StatusOnlyContent(byte[] body) : ByteArrayContent(body);

/// <summary>Vapi's answer exceeded <see cref="ResponseBufferingHandler.MaxResponseBytes"/>; translated to a malformed response.</summary>
internal sealed class ResponseTooLargeException(System.Net.HttpStatusCode statusCode, Exception inner)
    : Exception($"The answer is larger than {ResponseBufferingHandler.MaxResponseBytes} bytes.", inner)
{
    public System.Net.HttpStatusCode StatusCode { get; } = statusCode;
}
