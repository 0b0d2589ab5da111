using System.ComponentModel.DataAnnotations;

namespace VapiSync.Client.Queue;

/// <summary>Settings of the sync queue and its drainer, validated at start-up.</summary>
public sealed class SyncQueueOptions
{
    /// <summary>Gets or sets a value indicating whether this instance drains the queue. Turn it off on instances that only enqueue (for example a web tier when workers drain).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool DrainerEnabled { get; set; } = true;

    /// <summary>Gets or sets how many items this instance applies at once. It claims up to as many again ahead, so a worker goes straight to its next item; those claims are renewed while they wait and released at shutdown.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 256)]
    public int MaxDegreeOfParallelism { get; set; } = 8;

    /// <summary>Gets or sets how often the drainer looks for due items when nothing woke it (an enqueue on this instance wakes it at once; items enqueued by other instances or due after a backoff are found by polling).</summary>
    /// <value>The default value is one second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long a claim holds without renewal: when an instance dies mid-drain, its items return to the queue after this long. While an item is processed its claim is renewed every third of this, so a sync may take longer; when a renewal finds the claim taken, or none succeeds before the claim would expire, the sync is cancelled.</summary>
    /// <value>The default value is five minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the backoff after an item's first transient failure; it doubles with every further attempt, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    /// <value>The default value is two seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest backoff between two attempts of an item. It is also how long an item that failed through a long outage may still wait once Vapi is back, so keep it short.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets after how many transient failures an item is parked, or <see langword="null"/> to retry it until it succeeds (an outage must not lose saves).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, int.MaxValue)]
    public int? MaxAttempts { get; set; }

    /// <summary>Gets or sets how often the drainer checks whether the circuit breaker closed again while it waits on it (no attempt is used while it is open).</summary>
    /// <value>The default value is one second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan BreakerCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest the queue defers an account's items when Vapi answers 429 with <c>Retry-After</c>: the
    /// queue honours the server's pause up to this, so it does not call Vapi again while Vapi still says paused (a
    /// synchronous <see cref="IVapiAssistantManager"/> call waits at most 60 seconds of it, within its total timeout).
    /// Bounds what a misbehaving server can ask for.
    /// </summary>
    /// <value>The default value is ten minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRetryAfterPause { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the age of the oldest waiting save above which the queue's health check reports Degraded.</summary>
    /// <value>The default value is five minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "30.00:00:00")]
    public TimeSpan DegradedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how often the drainer refreshes the depth and oldest-age gauges from the store.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan StatisticsInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how many completions a slow <see cref="IVapiSyncQueue.ReadCompletionsAsync"/> reader may fall behind before it loses the oldest.</summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 1_000_000)]
    public int CompletionBufferSize { get; set; } = 1024;
}
