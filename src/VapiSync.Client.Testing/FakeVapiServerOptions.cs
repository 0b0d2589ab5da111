namespace VapiSync.Client.Testing;

/// <summary>How a <see cref="FakeVapiServer"/> starts.</summary>
public sealed class FakeVapiServerOptions
{
    /// <summary>Gets or sets the loopback port to listen on.</summary>
    /// <value>The default value is 0: a free port chosen by the system.</value>
    public int Port { get; set; }

    /// <summary>Gets or sets a key registered at start for <see cref="DefaultAccountId"/>, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DefaultApiKey { get; set; }

    /// <summary>Gets or sets the account <see cref="DefaultApiKey"/> acts on.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string DefaultAccountId { get; set; } = "default";

    /// <summary>Gets or sets how many requests one key may make per <see cref="RateLimitWindow"/> before 429, or 0 for no limit.</summary>
    /// <value>The default value is 0.</value>
    public int RateLimitPerWindow { get; set; }

    /// <summary>Gets or sets the rate-limit window; 429 answers carry the seconds left in it as <c>Retry-After</c>.</summary>
    /// <value>The default value is one second.</value>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the latency added to every request (on top of injected faults), to model a remote server.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>.</value>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets a value indicating whether requests are recorded in <see cref="FakeVapiServer.Requests"/> (off for long benchmark runs).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RecordRequests { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the request log keeps bodies.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RecordBodies { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether POST and PATCH bodies are checked against Vapi's OpenAPI schema and voice
    /// rules (answering 400 like Vapi). Turn it off only to measure a client rather than the fake: the check costs most
    /// of a millisecond and about 0.4 MB per request, which on a benchmark machine would be the bottleneck. Bodies must
    /// still be JSON objects.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ValidateRequests { get; set; } = true;

    /// <summary>Gets or sets the clock for assistant timestamps and the rate limit.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
