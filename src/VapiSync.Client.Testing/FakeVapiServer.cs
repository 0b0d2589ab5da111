using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Testing.Internal;

namespace VapiSync.Client.Testing;

/// <summary>
/// A Vapi-compatible server on 127.0.0.1 for tests and local runs: <c>POST/GET/PATCH/DELETE /assistant[/{id}]</c> and
/// the list with <c>limit</c> and timestamp filters, accounts isolated by API key, Vapi's validation and error bodies,
/// an optional rate limit, and a <see cref="FaultInjector"/> for everything that goes wrong in production.
/// </summary>
public sealed class FakeVapiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeVapiServerOptions _options;
    private readonly FakeVapiStore _store;
    private readonly ApiKeyRegistry _keys = new();
    private readonly RateLimiter _rateLimiter;
    private readonly RequestLog _log;
    private readonly FaultApplier _faults;
    private readonly AssistantEndpoints _endpoints;
    private readonly object _idleLock = new();
    private int _inFlight;
    private TaskCompletionSource _idle = CompletedIdle();

    private FakeVapiServer(WebApplication app, FakeVapiServerOptions options)
    {
        _app = app;
        _options = options;
        _store = new FakeVapiStore(options.TimeProvider);
        _rateLimiter = new RateLimiter(options);
        _log = new RequestLog(options);
        _faults = new FaultApplier(options.TimeProvider);
        _endpoints = new AssistantEndpoints(_store, options.ValidateRequests);
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
    public IReadOnlyList<RecordedRequest> Requests => _log.Snapshot();

    /// <summary>Gets how many requests the server has received and not finished handling yet.</summary>
    /// <remarks>
    /// A request the client abandoned (its timeout, its cancellation) is still handled to the end, as a real server
    /// would: it may create or change an assistant after the client has moved on.
    /// </remarks>
    public int RequestsInFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Waits until no request is being handled: every request received so far, including those their clients
    /// abandoned, has been answered (or failed) and its effect is visible in <see cref="GetAssistants"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the server is idle.</returns>
    public Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_idleLock)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Starts a server on a loopback port.</summary>
    /// <param name="options">How to start; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server. Dispose it to stop it.</returns>
    public static async Task<FakeVapiServer> StartAsync(FakeVapiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakeVapiServerOptions();

        // Built outside the caller's execution context: WebApplicationFactory (HostFactoryResolver) reconfigures every
        // host built in its entry point's async flow, and would swap this host's Kestrel for a TestServer when a host
        // under test starts an embedded fake.
        Task<WebApplication> building;
        using (ExecutionContext.SuppressFlow())
        {
            building = Task.Run(() => Build(options), cancellationToken);
        }

        var app = await building.ConfigureAwait(false);
        var server = new FakeVapiServer(app, options);
        app.Run(server.HandleAsync);
        // Vapi's schema is built once per process (about 0.4 s, seconds on a loaded machine): before the first request,
        // so a client's first timeout never measures it.
        var schema = Task.Run(() => VapiSchemaValidator.Instance, cancellationToken);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        await schema.ConfigureAwait(false);
        var listening = app.Services.GetRequiredService<IServer>();
        var address = listening.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"FakeVapiServer's host got no listening address (its server is {listening.GetType().FullName}).");
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    private static WebApplication Build(FakeVapiServerOptions options)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, PassiveLifetime>();
        return builder.Build();
    }

    /// <summary>Lets requests with this bearer key act on an account (created on first use).</summary>
    /// <param name="apiKey">The key.</param>
    /// <param name="accountId">The account, reported as the assistants' <c>orgId</c>.</param>
    public void AddApiKey(string apiKey, string accountId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        _keys.Add(apiKey, accountId);
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
    public void ClearRequests() => _log.Clear();

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        idle.SetResult();
        return idle;
    }

    private async Task HandleAsync(HttpContext context)
    {
        lock (_idleLock)
        {
            if (_inFlight++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        finally
        {
            lock (_idleLock)
            {
                if (--_inFlight == 0)
                {
                    _idle.SetResult();
                }
            }
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var body = await new StreamReader(request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var key = ApiKeyRegistry.BearerKey(request.Headers.Authorization.ToString());
        var fault = Faults.Next(request.Method, path);
        var status = 0;
        try
        {
            if (_options.Latency > TimeSpan.Zero)
            {
                await Task.Delay(_options.Latency, _options.TimeProvider, context.RequestAborted).ConfigureAwait(false);
            }

            status = await _faults.RunAsync(context, fault, () => Dispatch(request, path, key, body)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout): nothing more to answer.
        }
        finally
        {
            _log.Record(request, path, body, key, status, fault);
        }
    }

    private VapiResponse Dispatch(HttpRequest request, string path, string? key, string body)
    {
        if (!_keys.TryGetAccount(key, out var account))
        {
            return VapiErrors.Unauthorized();
        }

        if (_rateLimiter.Check(key!) is { } wait)
        {
            return VapiErrors.TooManyRequests(wait);
        }

        return _endpoints.Execute(account, request.Method, path, request.Query, body);
    }
}
