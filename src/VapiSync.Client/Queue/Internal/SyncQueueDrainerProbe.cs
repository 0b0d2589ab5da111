using System.Threading.Channels;

namespace VapiSync.Client.Queue.Internal;

/// <summary>
/// Registered only by tests: tells them the drainer has armed its poll timer or a claim's renewal timer, so a fake clock
/// can be advanced without racing the timer's creation.
/// </summary>
internal sealed class SyncQueueDrainerProbe
{
    private readonly Channel<bool> _idle = Channel.CreateUnbounded<bool>();

    private readonly Channel<bool> _renewalArmed = Channel.CreateUnbounded<bool>();

    public void Idle() => _idle.Writer.TryWrite(true);

    public void RenewalArmed() => _renewalArmed.Writer.TryWrite(true);

    public ValueTask<bool> WaitRenewalArmedAsync(CancellationToken cancellationToken) => _renewalArmed.Reader.ReadAsync(cancellationToken);

    public ValueTask<bool> WaitIdleAsync(CancellationToken cancellationToken) => _idle.Reader.ReadAsync(cancellationToken);
}
