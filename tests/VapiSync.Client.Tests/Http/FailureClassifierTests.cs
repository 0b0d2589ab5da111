using System.Data.Common;
using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Tests.Http;

/// <summary>The classifier's table: one row per exception shape the library can meet, and the kind it means.</summary>
public sealed class FailureClassifierTests
{
    private static readonly Dictionary<string, (Func<Exception> Create, bool CallerCancelled, FailureKind Kind)> Table = new()
    {
        ["caller cancelled"] = (() => new OperationCanceledException(), true, FailureKind.Cancelled),
        ["caller cancelled, task form"] = (() => new TaskCanceledException(), true, FailureKind.Cancelled),
        ["cancelled, caller token still live (an inner timeout)"] = (() => new OperationCanceledException(), false, FailureKind.NoAnswer),
        ["HttpClient timeout (TaskCanceled wrapping TimeoutException)"] = (() => new TaskCanceledException("t", new TimeoutException()), false, FailureKind.NoAnswer),
        ["Polly attempt or total timeout"] = (() => new TimeoutRejectedException(), false, FailureKind.NoAnswer),
        ["raw open circuit"] = (() => new BrokenCircuitException(), false, FailureKind.NotSent),
        ["raw isolated circuit"] = (() => new IsolatedCircuitException(), false, FailureKind.NotSent),
        ["raw connect refused"] = (() => new HttpRequestException(HttpRequestError.ConnectionError), false, FailureKind.NotSent),
        ["raw DNS failure"] = (() => new HttpRequestException(HttpRequestError.NameResolutionError), false, FailureKind.NotSent),
        ["raw TLS failure"] = (() => new HttpRequestException(HttpRequestError.SecureConnectionError), false, FailureKind.NotSent),
        ["raw invalid header value"] = (() => new HttpRequestException("bad header", new FormatException()), false, FailureKind.NotSent),
        ["raw response ended after send"] = (() => new HttpRequestException(HttpRequestError.ResponseEnded), false, FailureKind.NoAnswer),
        ["raw connection reset after send"] = (() => new HttpRequestException("reset", new IOException()), false, FailureKind.NoAnswer),
        ["raw IOException"] = (() => new IOException("broken pipe"), false, FailureKind.NoAnswer),
        ["circuit_open"] = (() => Api(0, VapiErrorCodes.CircuitOpen), false, FailureKind.NotSent),
        ["timeout"] = (() => Api(0, VapiErrorCodes.Timeout), false, FailureKind.NoAnswer),
        ["connection_failed before send"] = (() => Api(0, VapiErrorCodes.ConnectionFailed, new HttpRequestException(HttpRequestError.ConnectionError)), false, FailureKind.NotSent),
        ["connection_failed after send"] = (() => Api(0, VapiErrorCodes.ConnectionFailed, new HttpRequestException(HttpRequestError.ResponseEnded)), false, FailureKind.NoAnswer),
        ["connection_failed, IOException"] = (() => Api(0, VapiErrorCodes.ConnectionFailed, new IOException()), false, FailureKind.NoAnswer),
        ["rate-limit pause not over"] = (() => Api(0, VapiErrorCodes.RateLimited), false, FailureKind.NotSent),
        ["invalid_credential"] = (() => Api(0, VapiErrorCodes.InvalidCredential), false, FailureKind.Invalid),
        ["unreadable 201 body"] = (() => Api(201, VapiErrorCodes.MalformedResponse), false, FailureKind.NoAnswer),
        ["unreadable 200 body"] = (() => Api(200, VapiErrorCodes.MalformedResponse), false, FailureKind.NoAnswer),
        ["429"] = (() => Api(429, "Too Many Requests"), false, FailureKind.RateLimited),
        ["400"] = (() => Api(400, "Bad Request"), false, FailureKind.Refused),
        ["401"] = (() => Api(401, "Unauthorized"), false, FailureKind.Refused),
        ["403"] = (() => Api(403, "Forbidden"), false, FailureKind.Refused),
        ["409"] = (() => Api(409, "Conflict"), false, FailureKind.Refused),
        ["422"] = (() => Api(422, null), false, FailureKind.Refused),
        ["404"] = (() => Api(404, "Not Found"), false, FailureKind.NotFound),
        ["408"] = (() => Api(408, null), false, FailureKind.ServerError),
        ["500"] = (() => Api(500, "Internal Server Error"), false, FailureKind.ServerError),
        ["502"] = (() => Api(502, null), false, FailureKind.ServerError),
        ["503 with an odd error code"] = (() => Api(503, "malformed_response"), false, FailureKind.ServerError),
        ["validation"] = (() => new VapiValidationException(["Assistant.Name: too long"]), false, FailureKind.Invalid),
        ["argument"] = (() => new ArgumentException("blank", "agentKey"), false, FailureKind.Invalid),
        ["argument null"] = (() => new ArgumentNullException("request"), false, FailureKind.Invalid),
        ["no credential"] = (() => new VapiCredentialNotFoundException("org-1", ["VapiSyncOptions (no key)"]), false, FailureKind.CredentialMissing),
        ["credential store failed"] = (() => new CodedException(VapiErrorCodes.CredentialUnavailable), false, FailureKind.CredentialUnavailable),
        ["lease lost"] = (() => new CodedException(VapiErrorCodes.LeaseLost), false, FailureKind.Fenced),
        ["lock timeout"] = (() => new CodedException(VapiErrorCodes.LockTimeout), false, FailureKind.StoreFailed),
        ["state store failed"] = (() => new CodedException(VapiErrorCodes.StateStoreFailed), false, FailureKind.StoreFailed),
        ["database error"] = (() => new FakeDbException(), false, FailureKind.StoreFailed),
        ["one inner exception in an aggregate"] = (() => new AggregateException(Api(500, null)), false, FailureKind.ServerError),
        ["a host's own exception"] = (() => new InvalidOperationException("host bug"), false, FailureKind.Unknown),
        ["null reference"] = (() => new NullReferenceException(), false, FailureKind.Unknown),
    };

    public static TheoryData<string> Rows => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Classify_EachShape_GivesItsKind(string row)
    {
        var (create, callerCancelled, expected) = Table[row];
        using var caller = new CancellationTokenSource();
        if (callerCancelled)
        {
            caller.Cancel();
        }

        Assert.Equal(expected, FailureClassifier.Classify(create(), caller.Token));
    }

    [Fact]
    public void Classify_CancellationWithoutAnyCallerToken_IsCancelled() =>
        Assert.Equal(FailureKind.Cancelled, FailureClassifier.Classify(new OperationCanceledException()));

    [Theory]
    [InlineData("ServerError", true)]
    [InlineData("NoAnswer", true)]
    [InlineData("NotSent", false)]
    [InlineData("RateLimited", false)]
    [InlineData("Refused", false)]
    [InlineData("NotFound", false)]
    [InlineData("Invalid", false)]
    [InlineData("Cancelled", false)]
    public void MayHaveCommitted_OnlyAnsweredErrorsAndLostAnswers(string kind, bool expected) =>
        Assert.Equal(expected, FailureClassifier.MayHaveCommitted(Enum.Parse<FailureKind>(kind)));

    [Theory]
    [InlineData("NotSent", true)]
    [InlineData("RateLimited", true)]
    [InlineData("ServerError", true)]
    [InlineData("NoAnswer", true)]
    [InlineData("CredentialUnavailable", true)]
    [InlineData("StoreFailed", true)]
    [InlineData("Fenced", true)]
    [InlineData("Invalid", false)]
    [InlineData("CredentialMissing", false)]
    [InlineData("Refused", false)]
    [InlineData("NotFound", false)]
    [InlineData("Cancelled", false)]
    [InlineData("Unknown", false)]
    public void IsTransient_ByKind(string kind, bool expected) =>
        Assert.Equal(expected, FailureClassifier.IsTransient(Enum.Parse<FailureKind>(kind)));

    [Fact]
    public void IsTransient_AgreesWithTheExceptionsOwnFlag()
    {
        foreach (var (row, (create, callerCancelled, kind)) in Table)
        {
            if (!callerCancelled && create() is VapiSyncException library && kind != FailureKind.Unknown)
            {
                Assert.True(FailureClassifier.IsTransient(kind) == library.IsTransient, $"row '{row}': kind {kind}, exception says IsTransient={library.IsTransient}");
            }
        }
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(200, false)]
    public void CountsForBreaker_Statuses_OnlyServerSideFailures(int status, bool expected) =>
        Assert.Equal(expected, FailureClassifier.CountsForBreaker((HttpStatusCode)status, null));

    [Fact]
    public void CountsForBreaker_Exceptions_OnlyServerSideFailures()
    {
        Assert.True(FailureClassifier.CountsForBreaker(null, new TimeoutRejectedException()));
        Assert.True(FailureClassifier.CountsForBreaker(null, new HttpRequestException(HttpRequestError.ConnectionError)));
        Assert.True(FailureClassifier.CountsForBreaker(null, new HttpRequestException(HttpRequestError.ResponseEnded)));
        Assert.True(FailureClassifier.CountsForBreaker(null, new HttpRequestException("reset", new IOException())));
        Assert.False(FailureClassifier.CountsForBreaker(null, new HttpRequestException("Request headers must contain only ASCII characters.")));
        Assert.False(FailureClassifier.CountsForBreaker(null, new FormatException("The format of value 'Bearer a\r\nb' is invalid.")));
        Assert.False(FailureClassifier.CountsForBreaker(null, new OperationCanceledException()));
        Assert.False(FailureClassifier.CountsForBreaker(null, Api(0, VapiErrorCodes.RateLimited)));
        Assert.False(FailureClassifier.CountsForBreaker(null, Api(0, VapiErrorCodes.InvalidCredential)));
    }

    private static VapiApiException Api(int status, string? code, Exception? inner = null) =>
        new((HttpStatusCode)status, ["simulated"], code, "test", inner);

    private sealed class CodedException(string code) : VapiSyncException("simulated", code)
    {
        public override bool IsTransient => ErrorCode is not VapiErrorCodes.ValidationFailed;
    }

    private sealed class FakeDbException : DbException;
}
