using System.Net;
using Microsoft.Extensions.Logging.Testing;
using VapiSync.Client.Credentials;
using VapiSync.Client.Credentials.Internal;
using VapiSync.Client.Http;
using VapiSync.Client.Tests.Http;

namespace VapiSync.Client.Tests.Diagnostics;

/// <summary>Secrets redacted everywhere: logs, logged exceptions, exception messages, server-provided text.</summary>
public sealed class RedactionTests
{
    private const string AssistantId = "3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59";

    [Fact]
    public async Task Ensure_KeyStoreThrowsQuotingAConfiguredKey_NoLogLineContainsIt()
    {
        using var h = new SyncHarness(build: b => b.AddCredentialProvider<LeakyKeyStore>());
        h.ReturnsOnList();
        h.CreateReturnsNew();

        await h.Manager.EnsureAssistantAsync(SyncHarness.Request());

        AssertNoSecretLogged(h.Logs, SyncHarness.PlatformKey);
        Assert.Contains(h.Logs.Collector.GetSnapshot(), r => r.Id.Id == 2001 && r.Message.Contains(nameof(InvalidOperationException), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ensure_KeyStoreThrowsQuotingAnUnknownKeyAsBearer_NoLogLineContainsIt()
    {
        using var h = new SyncHarness(build: b => b.AddCredentialProvider<LeakyKeyStore>());
        h.ReturnsOnList();
        h.CreateReturnsNew();

        await h.Manager.EnsureAssistantAsync(SyncHarness.Request(org: "org-bearer"));

        AssertNoSecretLogged(h.Logs, LeakyKeyStore.UnknownKey);
    }

    [Fact]
    public async Task Get_ServerEchoesAuthorizationHeaderIn500_ExceptionAndLogsCarryNoKey()
    {
        using var h = new TransportHarness((request, _) => Task.FromResult(TransportHarness.Json(
            HttpStatusCode.InternalServerError,
            $$"""{"message":["upstream failed","request was: Authorization: {{request.Headers.Authorization}}"],"error":"proxy saw {{request.Headers.Authorization!.Parameter}}"}""")));

        var get = h.Client.GetAssistantAsync(TransportHarness.Credential(), AssistantId);
        await h.AdvanceUntilDoneAsync(get, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<VapiApiException>(() => get);

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.DoesNotContain(TransportHarness.Key, error.Message, StringComparison.Ordinal);
        Assert.All(error.Messages, m => Assert.DoesNotContain(TransportHarness.Key, m, StringComparison.Ordinal));
        Assert.DoesNotContain(TransportHarness.Key, error.ErrorCode ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(TransportHarness.Key, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("upstream failed", error.Messages);
        AssertNoSecretLogged(h.Logs, TransportHarness.Key);
    }

    [Fact]
    public async Task Get_ProxyEchoesHeadersAsPlainText_MessageCarriesNoKey()
    {
        using var h = new TransportHarness((request, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent($"Bad request. Headers:\nAuthorization: {request.Headers.Authorization}\nUser-Agent: x"),
        }));

        var error = await Assert.ThrowsAsync<VapiApiException>(() => h.Client.GetAssistantAsync(TransportHarness.Credential("sk-proxy-echo-key-42424242"), AssistantId));

        Assert.DoesNotContain("sk-proxy-echo-key-42424242", error.Message, StringComparison.Ordinal);
        Assert.Contains("User-Agent", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Authorization: Bearer abcdef123456", "abcdef123456")]
    [InlineData("authorization=Basic dXNlcjpwYXNz", "dXNlcjpwYXNz")]
    [InlineData("sent bearer zz-top-secret-999 upstream", "zz-top-secret-999")]
    [InlineData("{\"apiKey\":\"k-1234567890\"}", "k-1234567890")]
    [InlineData("connection string: Host=db;Password=hunter22;", "hunter22")]
    [InlineData("api_key=abcd1234efgh", "abcd1234efgh")]
    [InlineData("x-api-key: 0f0f0f0f-1111", "0f0f0f0f-1111")]
    public void Redact_CredentialLookingValues_AreMasked(string text, string secret)
    {
        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Assistant 3f1c2b9a-7d2e-4c1b-9a8f-0e1d2c3b4a59 not found")]
    [InlineData("the token expired")]
    [InlineData("property name should not exist")]
    public void Redact_OrdinaryText_IsUnchanged(string text) => Assert.Equal(text, SecretRedactor.Redact(text));

    [Fact]
    public void Redact_KeyOfAnyCredential_IsMaskedWherever()
    {
        var credential = new VapiCredential("opaque-key-no-prefix-7777", "host");

        Assert.Equal("[REDACTED] in the middle", SecretRedactor.Redact(credential.ApiKey + " in the middle"));
    }

    private static void AssertNoSecretLogged(FakeLoggerProvider logs, string secret)
    {
        var records = logs.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.All(records, r =>
        {
            Assert.DoesNotContain(secret, r.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, r.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, string.Join(";", r.StructuredState?.Select(s => s.Value) ?? []), StringComparison.Ordinal);
        });
    }

    /// <summary>A key store whose failures quote keys, as a careless one does.</summary>
    private sealed class LeakyKeyStore : ICredentialProvider
    {
        public const string UnknownKey = "sk-never-registered-5150";

        public ValueTask<VapiCredential?> GetCredentialAsync(string organizationId, CancellationToken cancellationToken = default) =>
            throw (organizationId == "org-bearer"
                ? new InvalidOperationException($"vault refused header Bearer {UnknownKey}", new IOException($"inner: Bearer {UnknownKey}"))
                : new InvalidOperationException($"key '{SyncHarness.PlatformKey}' is revoked", new IOException($"inner quotes {SyncHarness.PlatformKey}")));
    }
}
