using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Credentials;
using VapiSync.Client.Testing.Internal;

namespace VapiSync.Client.Testing;

/// <summary>
/// A Vapi-compatible server on 127.0.0.1 for tests and local runs: <c>POST/GET/PATCH/DELETE /assistant[/{id}]</c> and
/// the list with <c>limit</c> and timestamp filters, accounts isolated by API key, Vapi's validation and error bodies,
/// an optional rate limit, and a <see cref="FaultInjector"/> for everything that goes wrong in production.
/// </summary>
public sealed class FakeVapiServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WebApplication _app;
    private readonly FakeVapiServerOptions _options;
    private readonly FakeVapiStore _store;
    private readonly ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset WindowStart, int Count)> _rate = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];

    private FakeVapiServer(WebApplication app, FakeVapiServerOptions options)
    {
        _app = app;
        _options = options;
        _store = new FakeVapiStore(options.TimeProvider);
        if (options.DefaultApiKey is { } key)
        {
            AddApiKey(key, options.DefaultAccountId);
        }
    }

    /// <summary>Gets the server's address, for example <c>http://127.0.0.1:51234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the fault injector: queue faults here, or turn on random ones.</summary>
    public FaultInjector Faults { get; } = new();

    /// <summary>Gets every request received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server on a loopback port.</summary>
    /// <param name="options">How to start; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server. Dispose it to stop it.</returns>
    public static async Task<FakeVapiServer> StartAsync(FakeVapiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeVapiServerOptions();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));

        // The fake lives inside someone else's process: it must not take over Ctrl+C / SIGTERM (the default console
        // lifetime would, and a console app awaiting its own shutdown signal would then never see it).
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, PassiveLifetime>();
        var app = builder.Build();
        var server = new FakeVapiServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Lets requests with this bearer key act on an account (created on first use).</summary>
    /// <param name="apiKey">The key.</param>
    /// <param name="accountId">The account, reported as the assistants' <c>orgId</c>.</param>
    public void AddApiKey(string apiKey, string accountId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        _keys[apiKey] = accountId;
    }

    /// <summary>Returns the account's assistants as Vapi would (oldest first), copies that can be changed freely.</summary>
    /// <param name="accountId">The account.</param>
    /// <returns>The assistants.</returns>
    public IReadOnlyList<JsonObject> GetAssistants(string accountId) => _store.All(accountId);

    /// <summary>Adds an assistant directly, as if created earlier by someone else (no request is recorded).</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="assistant">The fields; <c>id</c> and timestamps are assigned.</param>
    /// <returns>The new assistant's id.</returns>
    public string SeedAssistant(string accountId, JsonObject assistant)
    {
        ArgumentNullException.ThrowIfNull(assistant);
        return _store.Create(accountId, assistant)["id"]!.GetValue<string>();
    }

    /// <summary>Deletes an assistant behind the client's back (as a user in Vapi's dashboard would).</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="assistantId">The assistant.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool RemoveAssistant(string accountId, string assistantId) => _store.Delete(accountId, assistantId).Deleted is not null;

    /// <summary>Changes a stored assistant behind the client's back (for example Vapi migrating a retired voice).</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="assistantId">The assistant.</param>
    /// <param name="change">Edits the stored JSON.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool ModifyAssistant(string accountId, string assistantId, Action<JsonObject> change) => _store.Mutate(accountId, assistantId, change);

    /// <summary>Pins an assistant: deleting it then answers 409 <c>assistant_pinned</c>, as Vapi does for pinned or versioned parents.</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="assistantId">The assistant.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool PinAssistant(string accountId, string assistantId) => _store.Pin(accountId, assistantId);

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var key = request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..].Trim() : null;
        var fault = Faults.Next(request.Method, path);
        var status = 0;
        try
        {
            if (_options.Latency > TimeSpan.Zero)
            {
                await Task.Delay(_options.Latency, _options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
            }

            status = await HandleWithFaultAsync(context, fault, key, path, body).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout): nothing more to answer.
        }
        finally
        {
            Record(context, path, body, key, status, fault);
        }
    }

    private void Record(HttpContext context, string path, string body, string? key, int status, Fault? fault)
    {
        if (!_options.RecordRequests)
        {
            return;
        }

        var recorded = new RecordedRequest(
            context.Request.Method,
            path,
            context.Request.QueryString.Value ?? string.Empty,
            key is null ? null : VapiCredential.ComputeFingerprint(key),
            _options.RecordBodies && body.Length > 0 ? body : null,
            status,
            fault?.ToString(),
            _options.TimeProvider.GetUtcNow());
        lock (_requests)
        {
            _requests.Add(recorded);
        }
    }

    private async Task<int> HandleWithFaultAsync(HttpContext context, Fault? fault, string? key, string path, string body)
    {
        switch (fault?.Kind)
        {
            case FaultKind.Status:
                return await WriteErrorAsync(context, fault.StatusCode, [ReasonText(fault.StatusCode)], fault.RetryAfter).ConfigureAwait(false);
            case FaultKind.ConnectionReset:
                context.Abort();
                return 0;
            case FaultKind.Delay:
                await Task.Delay(fault.Delay, _options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
                break;
        }

        var (status, response, retryAfter) = Execute(context.Request.Method, path, context.Request.Query, key, body);
        var success = status is >= 200 and < 300;
        switch (fault?.Kind)
        {
            case FaultKind.CommitThenFail:
                return await WriteErrorAsync(context, fault.StatusCode, [ReasonText(fault.StatusCode)], null).ConfigureAwait(false);
            case FaultKind.CommitThenReset:
                context.Abort();
                return 0;
            case FaultKind.CommitThenStall:
                await Task.Delay(fault.Delay, _options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
                break;
            case FaultKind.MalformedBody when success:
                await WriteAsync(context, status, "{\"id\": \"3fa85f64-5717-4562-b3fc-2c963f66afa6\", \"name\": <html>oops", null).ConfigureAwait(false);
                return status;
        }

        await WriteAsync(context, status, response?.ToJsonString(Json), retryAfter).ConfigureAwait(false);
        return status;
    }

    private (int Status, JsonNode? Body, TimeSpan? RetryAfter) Execute(string method, string path, IQueryCollection query, string? key, string body)
    {
        if (key is null || !_keys.TryGetValue(key, out var account))
        {
            return Error(401, ["Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa."], "Unauthorized");
        }

        if (RateLimited(key) is { } wait)
        {
            return (429, ErrorBody(429, ["Rate limit exceeded"], "Too Many Requests"), wait);
        }

        var segments = path.Trim('/').Split('/');
        if (segments[0] != "assistant" || segments.Length > 2)
        {
            return Error(404, [$"Cannot {method} {path}"], "Not Found");
        }

        if (segments.Length == 1)
        {
            return method switch
            {
                "POST" => Create(account, body),
                "GET" => List(account, query),
                _ => Error(404, [$"Cannot {method} {path}"], "Not Found"),
            };
        }

        var id = segments[1];
        if (!Guid.TryParseExact(id, "D", out _))
        {
            return Error(400, ["id must be a UUID"], "Bad Request");
        }

        return method switch
        {
            "GET" => _store.Get(account, id) is { } found ? (200, found, null) : NotFound(),
            "PATCH" => Update(account, id, body),
            "DELETE" => Delete(account, id),
            _ => Error(404, [$"Cannot {method} {path}"], "Not Found"),
        };
    }

    private (int, JsonNode?, TimeSpan?) Create(string account, string body)
    {
        if (!TryParseBody(body, VapiRequestValidator.ValidateCreate, out var json, out var error))
        {
            return error;
        }

        return (201, _store.Create(account, json), null);
    }

    private (int, JsonNode?, TimeSpan?) Update(string account, string id, string body)
    {
        if (!TryParseBody(body, VapiRequestValidator.ValidateUpdate, out var json, out var error))
        {
            return error;
        }

        return _store.Update(account, id, json) is { } updated ? (200, updated, null) : NotFound();
    }

    private (int, JsonNode?, TimeSpan?) Delete(string account, string id)
    {
        var (deleted, pinned) = _store.Delete(account, id);
        if (pinned)
        {
            return (409, new JsonObject { ["error"] = "assistant_pinned", ["message"] = "This assistant is pinned by a version and cannot be deleted." }, null);
        }

        return deleted is not null ? (200, deleted, null) : NotFound();
    }

    private (int, JsonNode?, TimeSpan?) List(string account, IQueryCollection query)
    {
        var limit = 100;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > 1000))
        {
            return Error(400, ["limit must not be greater than 1000", "limit must be a number conforming to the specified constraints"], "Bad Request");
        }

        var filters = new List<Func<JsonObject, bool>>();
        foreach (var field in new[] { "createdAt", "updatedAt" })
        {
            foreach (var op in new[] { "Gt", "Lt", "Ge", "Le" })
            {
                if (!query.TryGetValue(field + op, out var text))
                {
                    continue;
                }

                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var bound))
                {
                    return Error(400, [$"{field}{op} must be a valid ISO 8601 date string"], "Bad Request");
                }

                filters.Add(a => Compare(FakeVapiStore.Timestamp(a, field), op, bound));
            }
        }

        var page = _store.List(account, a => filters.TrueForAll(f => f(a)), limit);
        return (200, new JsonArray([.. page]), null);
    }

    private static bool Compare(DateTimeOffset value, string op, DateTimeOffset bound) => op switch
    {
        "Gt" => value > bound,
        "Lt" => value < bound,
        "Ge" => value >= bound,
        _ => value <= bound,
    };

    private static bool TryParseBody(string body, Func<JsonObject, List<string>> validate, out JsonObject json, out (int, JsonNode?, TimeSpan?) error)
    {
        json = null!;
        try
        {
            if (JsonNode.Parse(body) is JsonObject parsed)
            {
                json = parsed;
                var errors = validate(json);
                error = Error(400, errors, "Bad Request");
                return errors.Count == 0;
            }
        }
        catch (JsonException)
        {
            // falls through to the 400 below
        }

        error = Error(400, ["Unexpected token in JSON body"], "Bad Request");
        return false;
    }

    private TimeSpan? RateLimited(string key)
    {
        if (_options.RateLimitPerWindow <= 0)
        {
            return null;
        }

        var now = _options.TimeProvider.GetUtcNow();
        var entry = _rate.AddOrUpdate(
            key,
            _ => (now, 1),
            (_, e) => now - e.WindowStart >= _options.RateLimitWindow ? (now, 1) : (e.WindowStart, e.Count + 1));
        return entry.Count <= _options.RateLimitPerWindow ? null : entry.WindowStart + _options.RateLimitWindow - now;
    }

    private static (int, JsonNode?, TimeSpan?) NotFound() => Error(404, ["Assistant not found"], "Not Found");

    private static (int, JsonNode?, TimeSpan?) Error(int status, IReadOnlyList<string> messages, string error) =>
        (status, ErrorBody(status, messages, error), null);

    /// <summary>Vapi's error shape: validation sends <c>message</c> as an array, other errors as a single string.</summary>
    private static JsonObject ErrorBody(int status, IReadOnlyList<string> messages, string error) => new()
    {
        ["message"] = status == 400 ? new JsonArray([.. messages.Select(m => (JsonNode)JsonValue.Create(m))]) : JsonValue.Create(messages[0]),
        ["error"] = error,
        ["statusCode"] = status,
    };

    private static async Task<int> WriteErrorAsync(HttpContext context, int status, IReadOnlyList<string> messages, TimeSpan? retryAfter)
    {
        await WriteAsync(context, status, ErrorBody(status, messages, ReasonText(status)).ToJsonString(Json), retryAfter).ConfigureAwait(false);
        return status;
    }

    private static async Task WriteAsync(HttpContext context, int status, string? json, TimeSpan? retryAfter)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = Math.Max(0, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (json is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static string ReasonText(int status) => status switch
    {
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => ((HttpStatusCode)status).ToString(),
    };

    private sealed class PassiveLifetime : Microsoft.Extensions.Hosting.IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
