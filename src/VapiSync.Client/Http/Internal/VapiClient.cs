using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VapiSync.Client.Credentials;
using VapiSync.Client.Diagnostics;
using VapiSync.Client.Resilience.Internal;

namespace VapiSync.Client.Http.Internal;

/// <summary>The typed <see cref="HttpClient"/> behind <see cref="IVapiClient"/>.</summary>
internal sealed class VapiClient : IVapiClient
{
    /// <summary>Added unparsed: the handler writes a raw value as it is, where a parsed one is formatted again per request.</summary>
    private static readonly string UserAgent = "VapiSync.Client/" + (typeof(VapiClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<VapiSyncOptions> _options;
    private readonly RequestMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RetryAfterPauses _pauses;
    private readonly Func<TimeSpan> _totalTimeout;
    private readonly string? _baseAddress;

    /// <summary>The last key sent, checked, with its header value: one tenant (the common case) costs no check and no string per request.</summary>
    private AuthorizationHeader? _lastAuthorization;

    /// <param name="http">The client whose handler chain holds the resilience pipeline.</param>
    /// <param name="options">The library's options.</param>
    /// <param name="metrics">Request metrics.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="pauses">The accounts' rate-limit pauses, waited before a request enters the pipeline.</param>
    /// <param name="totalTimeout">The pipeline's total request timeout: the longest a request waits for its account's pause.</param>
    public VapiClient(
        HttpClient http, IOptionsMonitor<VapiSyncOptions> options, RequestMetrics metrics, TimeProvider time, ILogger<VapiClient> logger,
        RetryAfterPauses pauses, Func<TimeSpan> totalTimeout)
    {
        _http = http;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _pauses = pauses;
        _totalTimeout = totalTimeout;
        _baseAddress = http.BaseAddress is { IsAbsoluteUri: true } baseAddress ? baseAddress.AbsoluteUri : null;
    }

    public async Task<VapiAssistant> CreateAssistantAsync(VapiCredential credential, AssistantDefinition assistant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(assistant);
        var body = AssistantPayload.ToUtf8(AssistantPayload.ToRequestBody(assistant));
        using var response = await SendAsync(HttpMethod.Post, "assistant", VapiOperation.Create, credential, body, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, VapiOperation.Create, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, VapiJsonContext.Default.VapiAssistant, VapiOperation.Create, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sync's path: the body is already serialized, and only the id and creation time are read back.</summary>
    internal async Task<CreatedAssistant> CreateAssistantAsync(VapiCredential credential, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "assistant", VapiOperation.Create, credential, body, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, VapiOperation.Create, cancellationToken).ConfigureAwait(false);
        var created = await ReadAsync(response, VapiJsonContext.Default.CreatedAssistant, VapiOperation.Create, cancellationToken).ConfigureAwait(false);
        if (!AssistantIds.IsValid(created.Id))
        {
            throw new VapiApiException(response.StatusCode, ["Vapi created an assistant but its answer carries no valid id."], VapiErrorCodes.MalformedResponse, VapiOperation.Create.Display());
        }

        return created;
    }

    /// <summary>
    /// The sync's (and the fleet's) path: the body is already serialized, and the answer is not needed beyond its
    /// status, so a success body is read to its end under the timeouts but not kept (<see cref="StatusOnlyContent"/>).
    /// </summary>
    internal Task UpdateAssistantAsync(VapiCredential credential, string assistantId, byte[] body, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            path = AssistantPath(assistantId);
        }
        catch (VapiValidationException ex)
        {
            return Task.FromException(ex); // as an async method fails: in the task, not at the call
        }

        // One state machine for the whole write: the request, its status check and the response's disposal.
        return SendCoreAsync(HttpMethod.Patch, path, VapiOperation.Update, credential, body, cancellationToken, statusOnly: true);
    }

    public async Task<VapiAssistant?> GetAssistantAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var path = AssistantPath(assistantId);
        using var response = await SendAsync(HttpMethod.Get, path, VapiOperation.Get, credential, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await ThrowIfFailedAsync(response, VapiOperation.Get, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, VapiJsonContext.Default.VapiAssistant, VapiOperation.Get, cancellationToken).ConfigureAwait(false);
    }

    public async Task<VapiAssistant> UpdateAssistantAsync(VapiCredential credential, string assistantId, AssistantDefinition assistant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(assistant);
        var path = AssistantPath(assistantId);
        var body = AssistantPayload.ToUtf8(AssistantPayload.ToRequestBody(assistant));
        using var response = await SendAsync(HttpMethod.Patch, path, VapiOperation.Update, credential, body, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, VapiOperation.Update, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, VapiJsonContext.Default.VapiAssistant, VapiOperation.Update, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAssistantAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var path = AssistantPath(assistantId);
        using var response = await SendAsync(HttpMethod.Delete, path, VapiOperation.Delete, credential, null, cancellationToken, discardSuccessBody: true).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ThrowIfFailedAsync(response, VapiOperation.Delete, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public IAsyncEnumerable<VapiAssistant> ListAssistantsAsync(VapiCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return ListAssistantsAsync(credential, null, null, cancellationToken);
    }

    /// <summary>
    /// Every assistant created in [<paramref name="createdAtGe"/>, <paramref name="createdAtLe"/>] (unbounded where
    /// null), each once, timestamp ties of any size included (see <see cref="AssistantListWalk"/>).
    /// </summary>
    internal IAsyncEnumerable<VapiAssistant> ListAssistantsAsync(
        VapiCredential credential, DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, CancellationToken cancellationToken) =>
        ListAssistantsAsync(credential, createdAtGe, createdAtLe, summaries: false, cancellationToken);

    /// <summary>
    /// As <see cref="ListAssistantsAsync(VapiCredential, DateTimeOffset?, DateTimeOffset?, CancellationToken)"/>; with
    /// <paramref name="summaries"/>, each assistant carries only its id, timestamps and metadata (what the sync's own
    /// listings read), the rest of each item skipped by the reader.
    /// </summary>
    internal async IAsyncEnumerable<VapiAssistant> ListAssistantsAsync(
        VapiCredential credential, DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, bool summaries, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var walk = new AssistantListWalk(
            summaries ? (path, ct) => GetSummaryPageAsync(credential, path, ct) : (path, ct) => GetPageAsync(credential, path, ct),
            _options.CurrentValue.ListPageSize);
        await foreach (var assistant in walk.WalkAsync(createdAtGe, createdAtLe, cancellationToken).ConfigureAwait(false))
        {
            yield return assistant;
        }

        if (walk.Incomplete > 0)
        {
            Log.ListingIncomplete(_logger, credential.Fingerprint, walk.Incomplete);
        }
    }

    private async Task<List<VapiAssistant>> GetSummaryPageAsync(VapiCredential credential, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, VapiOperation.List, credential, null, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, VapiOperation.List, cancellationToken).ConfigureAwait(false);
        var listed = await ReadAsync(response, VapiJsonContext.Default.ListListedAssistant, VapiOperation.List, cancellationToken).ConfigureAwait(false);
        var page = new List<VapiAssistant>(listed.Count);
        foreach (var item in listed)
        {
            page.Add(item is null ? null! : new VapiAssistant { Id = item.Id, CreatedAt = item.CreatedAt, UpdatedAt = item.UpdatedAt, Metadata = item.Metadata });
        }

        return CheckedPage(page, response);
    }

    private async Task<List<VapiAssistant>> GetPageAsync(VapiCredential credential, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, VapiOperation.List, credential, null, cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(response, VapiOperation.List, cancellationToken).ConfigureAwait(false);
        var page = await ReadAsync(response, VapiJsonContext.Default.ListVapiAssistant, VapiOperation.List, cancellationToken).ConfigureAwait(false);
        return CheckedPage(page, response);
    }

    private static List<VapiAssistant> CheckedPage(List<VapiAssistant> page, HttpResponseMessage response)
    {
        // A page is only as good as its worst item: a null entry or one without a usable id would surface later as a
        // NullReferenceException in the walk or the index, far from the answer that caused it.
        var bad = page.FindIndex(a => a is null || !AssistantIds.IsValid(a.Id));
        if (bad >= 0)
        {
            throw new VapiApiException(
                response.StatusCode,
                [$"Vapi answered the listing with an item that is not an assistant with an id (item {bad})."],
                VapiErrorCodes.MalformedResponse,
                VapiOperation.List.Display());
        }

        return page;
    }

    /// <summary>Vapi compares timestamps at millisecond precision; round up so the page's oldest item stays inside the filter.</summary>
    internal static string FormatCursor(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        var remainder = utc.Ticks % TimeSpan.TicksPerMillisecond;
        if (remainder != 0)
        {
            utc = utc.AddTicks(TimeSpan.TicksPerMillisecond - remainder);
        }

        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    private static string AssistantPath(string assistantId)
    {
        AssistantIds.ThrowIfInvalid(assistantId, nameof(assistantId));
        return "assistant/" + assistantId;
    }

    private Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, VapiOperation operation, VapiCredential credential, byte[]? body, CancellationToken cancellationToken,
        bool discardSuccessBody = false) =>
        SendCoreAsync(method, path, operation, credential, body, cancellationToken, discardSuccessBody)!;

    /// <param name="method">The method.</param>
    /// <param name="path">The path under the base address.</param>
    /// <param name="operation">The operation, for logs, metrics and errors.</param>
    /// <param name="credential">The key to send.</param>
    /// <param name="body">The serialized body, if any.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <param name="discardSuccessBody">Whether a success body is read to its end but not kept.</param>
    /// <param name="statusOnly">
    /// The caller needs only success: a failure throws (as <see cref="ThrowIfFailedAsync"/>), the response is disposed
    /// here and <see langword="null"/> returned, and a success body is not kept.
    /// </param>
    private async Task<HttpResponseMessage?> SendCoreAsync(
        HttpMethod method, string path, VapiOperation operation, VapiCredential credential, byte[]? body, CancellationToken cancellationToken,
        bool discardSuccessBody = false, bool statusOnly = false)
    {
        discardSuccessBody |= statusOnly;
        var authorization = Authorization(credential, operation);
        if (await _pauses.WaitAsync(credential.Fingerprint, _totalTimeout(), cancellationToken).ConfigureAwait(false) is { } left)
        {
            // Never sent: the account's pause outlasts this request's time budget. The caller decides whether to wait.
            Log.VapiRequestNotAnswered(_logger, operation.Display(), VapiErrorCodes.RateLimited, "rate-limit pause");
            throw new VapiApiException(0, [$"The account is rate-limited by Vapi for another {left.TotalSeconds:0.#} s; the request was not sent."], VapiErrorCodes.RateLimited, operation.Display())
            {
                RetryAfter = left,
            };
        }

        // An absolute URI is parsed once; a relative one is parsed, then combined with the base address into a second.
        using var request = _baseAddress is null ? new HttpRequestMessage(method, path) : new HttpRequestMessage(method, new Uri(_baseAddress + path, UriKind.Absolute));

        // Raw values: the key was checked (ApiKeyCheck) and the others are constants, so nothing needs parsing.
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (body is not null)
        {
            request.Content = discardSuccessBody ? new StatusOnlyContent(body) : new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", JsonContentType);
        }
        else if (discardSuccessBody)
        {
            request.Options.Set(ResponseBufferingHandler.DiscardSuccessBody, ResponseBufferingHandler.Discard);
        }

        using var activity = VapiSyncTelemetry.ActivitySource.HasListeners()
            ? VapiSyncTelemetry.ActivitySource.StartActivity(operation.ActivityName(), System.Diagnostics.ActivityKind.Client)
            : null;
        activity?.SetTag("http.request.method", method.Method);
        var started = _time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            _metrics.RecordRequest(operation, (int)response.StatusCode, _time, started);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
        }
        catch (Exception ex) when (Translate(ex, operation, cancellationToken) is { } translated)
        {
            _metrics.RecordRequest(operation, 0, _time, started);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, translated.ErrorCode);
            Log.VapiRequestNotAnswered(_logger, operation.Display(), translated.ErrorCode ?? "unknown", ex.GetType().Name);
            throw translated;
        }

        if (!statusOnly)
        {
            return response;
        }

        using (response)
        {
            await ThrowIfFailedAsync(response, operation, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>The <c>Authorization</c> value for the credential's key, checked before any network call (<see cref="ApiKeyCheck"/>).</summary>
    private string Authorization(VapiCredential credential, VapiOperation operation)
    {
        var key = credential.ApiKey;
        if (Volatile.Read(ref _lastAuthorization) is { } last && ReferenceEquals(last.Key, key))
        {
            return last.Value;
        }

        ApiKeyCheck.ThrowIfUnusable(credential, operation);
        var current = new AuthorizationHeader(key, "Bearer " + key);
        Volatile.Write(ref _lastAuthorization, current);
        return current.Value;
    }

    /// <summary>
    /// A key and its header value; compared by reference, so a key is checked again only when a different string
    /// carries it. A class, not a record: a record's generated <c>ToString</c> would print the key.
    /// </summary>
    private sealed class AuthorizationHeader(string key, string value)
    {
        public string Key { get; } = key;

        public string Value { get; } = value;
    }

    /// <summary>Maps transport failures to <see cref="VapiApiException"/>; the caller's own cancellation passes through unchanged.</summary>
    private static VapiApiException? Translate(Exception ex, VapiOperation operation, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        ResponseTooLargeException large => new VapiApiException(
            large.StatusCode, [large.Message], VapiErrorCodes.MalformedResponse, operation.Display(), ex),
        BrokenCircuitException => new VapiApiException(
            0, ["The circuit breaker is open: calls to Vapi are suspended until it closes or is reset."], VapiErrorCodes.CircuitOpen, operation.Display(), ex),
        TimeoutRejectedException or OperationCanceledException => new VapiApiException(
            0, ["Vapi did not answer in time."], VapiErrorCodes.Timeout, operation.Display(), ex),
        HttpRequestException http => new VapiApiException(
            0, [$"Vapi could not be reached ({http.HttpRequestError})."], VapiErrorCodes.ConnectionFailed, operation.Display(), ex),
        IOException => new VapiApiException(0, ["The connection to Vapi broke."], VapiErrorCodes.ConnectionFailed, operation.Display(), ex),
        _ => null,
    };

    private async Task ThrowIfFailedAsync(HttpResponseMessage response, VapiOperation operation, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var (messages, error) = VapiErrorBody.Parse(body);
        var exception = new VapiApiException(response.StatusCode, messages, error, operation.Display())
        {
            RetryAfter = RetryAfterHeader.Read(response, _time),
        };
        if (exception.IsTransient)
        {
            Log.VapiRequestFailed(_logger, operation.Display(), (int)response.StatusCode, exception.Message);
        }
        else
        {
            Log.VapiRequestRejected(_logger, operation.Display(), (int)response.StatusCode, exception.Message);
        }

        throw exception;
    }

    /// <summary>
    /// Deserializes the answer from the buffered body in place (the handler read it inside the pipeline): reading it as
    /// a byte array would copy it, a listing page of several MB included.
    /// </summary>
    private static async Task<T> ReadAsync<T>(
        HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, VapiOperation operation, CancellationToken cancellationToken)
    {
        Stream body;
        T? value;
        try
        {
            body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            value = body.CanSeek
                ? JsonSerializer.Deserialize(body, typeInfo)
                : await JsonSerializer.DeserializeAsync(body, typeInfo, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new VapiApiException(0, ["The connection to Vapi broke while reading its answer."], VapiErrorCodes.ConnectionFailed, operation.Display(), ex);
        }
        catch (JsonException ex)
        {
            throw Malformed<T>(response, operation, ex, await PreviewAsync(response, cancellationToken).ConfigureAwait(false));
        }

        return value ?? throw Malformed<T>(response, operation, new JsonException("The body is JSON 'null'."), "null");
    }

    private static VapiApiException Malformed<T>(HttpResponseMessage response, VapiOperation operation, JsonException ex, string preview) => new(
        response.StatusCode,
        [$"Vapi answered {(int)response.StatusCode} with a body that is not a valid {typeof(T).Name}: {ex.Message} Body starts: {preview}"],
        VapiErrorCodes.MalformedResponse,
        operation.Display(),
        ex);

    /// <summary>The first 200 bytes of a buffered body, for the error message; empty when the body cannot be read again.</summary>
    private static async Task<string> PreviewAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidOperationException)
        {
            return string.Empty;
        }
    }
}
