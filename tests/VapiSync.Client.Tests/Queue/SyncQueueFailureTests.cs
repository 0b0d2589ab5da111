using System.Net;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Queue;
using VapiSync.Client.Queue.Internal;

namespace VapiSync.Client.Tests.Queue;

public sealed class SyncQueueFailureTests
{
    public static TheoryData<Exception, string> Failures => new()
    {
        { new VapiApiException(HttpStatusCode.BadRequest, ["name too long"], "Bad Request"), "Permanent" },
        { new VapiApiException(HttpStatusCode.Unauthorized, ["Invalid Key"], "Unauthorized"), "Permanent" },
        { new VapiApiException(HttpStatusCode.Conflict, ["pinned"], "assistant_pinned"), "Permanent" },
        { new VapiValidationException(["Assistant.Name: too long"]), "Permanent" },
        { new VapiCredentialNotFoundException("org-1", ["Options"]), "Permanent" },
        { new ArgumentException("empty agent key"), "Permanent" },
        { new VapiApiException(HttpStatusCode.RequestTimeout, ["slow"]), "Transient" },
        { new VapiApiException(HttpStatusCode.ServiceUnavailable, ["down"]), "Transient" },
        { new VapiApiException(0, ["no answer"], VapiErrorCodes.Timeout), "Transient" },
        { new InvalidOperationException("unexpected"), "Transient" },
        { new VapiApiException(HttpStatusCode.TooManyRequests, ["slow down"]), "Deferred" },
        { new VapiApiException(0, ["open"], VapiErrorCodes.CircuitOpen), "Deferred" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Classify_MapsEveryFailureToWhatTheQueueDoes(Exception exception, string expected)
    {
        var (kind, error) = SyncQueueFailure.Classify(exception, DateTimeOffset.UnixEpoch);

        Assert.Equal(expected, kind.ToString());
        Assert.Equal(exception.Message, error.Message);
        Assert.Equal(expected != "Permanent", error.IsTransient);
    }

    [Fact]
    public void Backoff_DoublesWithJitterUpToTheCap()
    {
        var options = new SyncQueueOptions { InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(30) };
        var random = new Random(7);

        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var step = Math.Min(2 * Math.Pow(2, attempt - 1), 30);
            Assert.InRange(SyncQueueFailure.Backoff(attempt, options, random).TotalSeconds, step / 2, step);
        }
    }

    [Fact]
    public void Backoff_WithDefaults_AfterALongOutage_RetriesWithinThirtySecondsOfRecovery()
    {
        // An item that failed through an hour-long outage has many attempts; once Vapi is back it must not idle for
        // minutes (saves are expected to converge promptly after recovery).
        var options = new SyncQueueOptions();
        var random = new Random(11);

        for (var attempt = 1; attempt <= 200; attempt++)
        {
            Assert.InRange(SyncQueueFailure.Backoff(attempt, options, random), TimeSpan.Zero, TimeSpan.FromSeconds(30));
        }
    }
}
