using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using VapiSync.Client.Queue;
using VapiSync.Client.Queue.Internal;

namespace VapiSync.Client.Tests.Queue;

/// <summary>
/// The queue through AddVapiSync().AddSyncQueue() with a substitute manager, a fake clock and a controllable view of
/// the breaker. Tests wait on signals (settled store writes, completions, availability checks), never on time.
/// </summary>
internal sealed class QueueHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private IHostedService[] _hosted = [];

    public QueueHarness(Action<SyncQueueOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerProvider>(Logs);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(Time);
        services.AddVapiSync(o =>
            {
                o.PlatformApiKey = "platform-key-0123456789";
                o.ApiKeyEnvironmentVariable = "VAPISYNC_TEST_UNSET_" + Guid.NewGuid().ToString("N");
            })
            .AddSyncQueue(o =>
            {
                o.InitialBackoff = TimeSpan.FromSeconds(2);
                o.MaxBackoff = TimeSpan.FromMinutes(1);
                configure?.Invoke(o);
            })
            .UseSyncQueueStore<RecordingStore>()
            .AddSyncQueueObserver<RecordingObserver>();
        services.AddSingleton(Manager);
        services.AddSingleton<IVapiAvailability>(Availability);
        services.AddSingleton(Probe);
        _provider = services.BuildServiceProvider();
    }

    public IVapiAssistantManager Manager { get; } = Substitute.For<IVapiAssistantManager>();

    public FakeAvailability Availability { get; } = new();

    public SyncQueueDrainerProbe Probe { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    public FakeLoggerProvider Logs { get; } = new();

    public IVapiSyncQueue Queue => _provider.GetRequiredService<IVapiSyncQueue>();

    public RecordingStore Store => _provider.GetRequiredService<RecordingStore>();

    public RecordingObserver Observer => _provider.GetRequiredService<RecordingObserver>();

    public IServiceProvider Services => _provider;

    public static CancellationToken Deadline(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public async Task StartAsync()
    {
        _hosted = [.. _provider.GetServices<IHostedService>()];
        foreach (var hosted in _hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(cancellationToken);
        }

        _hosted = [];
    }

    /// <summary>The next lease-bound write the drainer makes (complete, fail, park or release).</summary>
    public async Task<(string Kind, SyncQueueEntry? Entry)> NextSettledAsync() => await Store.Settled.Reader.ReadAsync(Deadline());

    /// <summary>
    /// Advances the clock one step each time the drainer has armed its poll timer, until a write is settled. The total
    /// stays well under the lease, so a slow machine cannot make the fake clock expire a lease the drainer still holds.
    /// </summary>
    public async Task<(string Kind, SyncQueueEntry? Entry)> AdvanceUntilSettledAsync(TimeSpan step)
    {
        var deadline = Deadline();
        var advanced = TimeSpan.Zero;
        while (true)
        {
            if (Store.Settled.Reader.TryRead(out var settled))
            {
                return settled;
            }

            if (advanced >= TimeSpan.FromMinutes(1))
            {
                return await Store.Settled.Reader.ReadAsync(deadline);
            }

            var idle = Probe.WaitIdleAsync(deadline).AsTask();
            var settledFirst = Store.Settled.Reader.WaitToReadAsync(deadline).AsTask();
            if (await Task.WhenAny(idle, settledFirst) == idle)
            {
                Time.Advance(step);
                advanced += step;
            }
        }
    }

    /// <summary>Lets the drainer poll <paramref name="polls"/> times, advancing the clock by <paramref name="step"/> each time.</summary>
    public async Task AdvanceThroughPollsAsync(int polls, TimeSpan step)
    {
        for (var i = 0; i < polls; i++)
        {
            await Probe.WaitIdleAsync(Deadline());
            Time.Advance(step);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true));
        await _provider.DisposeAsync();
        Logs.Dispose();
    }

    public static AssistantSyncRequest Save(string name, string agent = "agent-1", string org = "org-1") =>
        new(org, agent, new AssistantDefinition { Name = name, FirstMessage = "Hello!" });

    public static AssistantSyncResult Result(string assistantId, SyncOutcome outcome = SyncOutcome.Created) => new()
    {
        AssistantId = assistantId,
        Outcome = outcome,
        Voice = new VapiSync.Client.Voices.VoiceNormalization(),
        CredentialSource = "test",
    };

    internal sealed class FakeAvailability : IVapiAvailability
    {
        private TaskCompletionSource _callable = Opened();

        public TimeSpan Account { get; set; }

        /// <summary>Written each time the drainer waits on a closed gate (an open breaker).</summary>
        public Channel<bool> Waiting { get; } = Channel.CreateUnbounded<bool>();

        public void Break() => _callable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Recover() => _callable.TrySetResult();

        public async ValueTask WaitUntilCallableAsync(CancellationToken cancellationToken)
        {
            var callable = _callable.Task;
            if (!callable.IsCompleted)
            {
                Waiting.Writer.TryWrite(true);
                await callable.WaitAsync(cancellationToken);
            }
        }

        private static TaskCompletionSource Opened()
        {
            var opened = new TaskCompletionSource();
            opened.SetResult();
            return opened;
        }

        public ValueTask<TimeSpan> WaitForAsync(string organizationId, CancellationToken cancellationToken) => ValueTask.FromResult(Account);
    }

    internal sealed class RecordingStore : ISyncQueueStore
    {
        private readonly InMemorySyncQueueStore _inner = new();

        public Channel<(string Kind, SyncQueueEntry? Entry)> Settled { get; } = Channel.CreateUnbounded<(string, SyncQueueEntry?)>();

        public ValueTask<SyncQueueEntry> EnqueueAsync(string organizationId, string agentKey, SyncQueueOperation operation, AssistantSyncRequest? request, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            _inner.EnqueueAsync(organizationId, agentKey, operation, request, now, cancellationToken);

        /// <summary>When set, runs before each claim: throw to model a failing store.</summary>
        public Action? ClaimOverride { get; set; }

        public ValueTask<IReadOnlyList<SyncQueueWorkItem>> ClaimAsync(int maxItems, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            ClaimOverride?.Invoke();
            return _inner.ClaimAsync(maxItems, leaseDuration, now, cancellationToken);
        }

        /// <summary>Each renewal the drainer makes, with its result.</summary>
        public Channel<DateTimeOffset?> Renewals { get; } = Channel.CreateUnbounded<DateTimeOffset?>();

        /// <summary>When set, replaces renewals: throw to model an unreachable store, return null for a claim taken.</summary>
        public Func<SyncQueueWorkItem, ValueTask<SyncQueueWorkItem?>>? RenewOverride { get; set; }

        public async ValueTask<SyncQueueWorkItem?> RenewAsync(SyncQueueWorkItem item, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            try
            {
                var renewed = RenewOverride is { } renew ? await renew(item) : await _inner.RenewAsync(item, leaseDuration, now, cancellationToken);
                Renewals.Writer.TryWrite(renewed?.LeaseExpiresAt);
                return renewed;
            }
            catch
            {
                Renewals.Writer.TryWrite(null);
                throw;
            }
        }

        public async ValueTask<SyncQueueEntry?> CompleteAsync(SyncQueueWorkItem item, string? assistantId, SyncOutcome? outcome, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            Record("complete", await _inner.CompleteAsync(item, assistantId, outcome, now, cancellationToken));

        public async ValueTask<SyncQueueEntry?> FailAsync(SyncQueueWorkItem item, SyncQueueError error, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            Record("fail", await _inner.FailAsync(item, error, retryAt, now, cancellationToken));

        public async ValueTask<SyncQueueEntry?> ParkAsync(SyncQueueWorkItem item, SyncQueueError error, string reason, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            Record("park", await _inner.ParkAsync(item, error, reason, now, cancellationToken));

        public async ValueTask<SyncQueueEntry?> ReleaseAsync(SyncQueueWorkItem item, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            Record("release", await _inner.ReleaseAsync(item, retryAt, now, cancellationToken));

        public ValueTask<SyncQueueEntry?> GetAsync(string organizationId, string agentKey, CancellationToken cancellationToken = default) =>
            _inner.GetAsync(organizationId, agentKey, cancellationToken);

        public ValueTask<SyncQueuePage> ListAsync(SyncQueueQuery query, CancellationToken cancellationToken = default) => _inner.ListAsync(query, cancellationToken);

        public ValueTask<bool> RetryAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            _inner.RetryAsync(organizationId, agentKey, now, cancellationToken);

        public ValueTask<bool> DiscardAsync(string organizationId, string agentKey, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            _inner.DiscardAsync(organizationId, agentKey, now, cancellationToken);

        public ValueTask<SyncQueueStatistics> GetStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
            _inner.GetStatisticsAsync(now, cancellationToken);

        private SyncQueueEntry? Record(string kind, SyncQueueEntry? entry)
        {
            Settled.Writer.TryWrite((kind, entry));
            return entry;
        }
    }

    internal sealed class RecordingObserver : IVapiSyncQueueObserver
    {
        public Channel<SyncQueueCompletion> Completions { get; } = Channel.CreateUnbounded<SyncQueueCompletion>();

        public ValueTask OnCompletedAsync(SyncQueueCompletion completion, CancellationToken cancellationToken)
        {
            Completions.Writer.TryWrite(completion);
            return ValueTask.CompletedTask;
        }
    }
}
