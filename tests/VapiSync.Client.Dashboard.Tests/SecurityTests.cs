using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Polly.CircuitBreaker;
using VapiSync.Client.Dashboard.Internal;

namespace VapiSync.Client.Dashboard.Tests;

/// <summary>Secure by default: loopback only without a policy, antiforgery on every action.</summary>
public sealed partial class SecurityTests
{
    [Theory]
    [InlineData("10.0.0.5", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("2001:db8::7", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    public void IsAllowed_WithoutPolicy_ServesOnlyLoopback(string remote, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Connection.LocalIpAddress = IPAddress.Parse("10.0.0.1");

        Assert.Equal(allowed, LocalRequestsOnlyFilter.IsAllowed(context));
    }

    [Fact]
    public void IsAllowed_UnknownRemoteAddress_Refused()
    {
        Assert.False(LocalRequestsOnlyFilter.IsAllowed(new DefaultHttpContext()));
    }

    [Fact]
    public void IsAllowed_RemoteIsTheServersOwnAddress_Served()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.5");
        context.Connection.LocalIpAddress = IPAddress.Parse("10.0.0.5");

        Assert.True(LocalRequestsOnlyFilter.IsAllowed(context));
    }

    [Fact]
    public void IsAllowed_EndpointWithPolicy_LeavesTheDecisionToThePolicy()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.0.0.5");
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new AuthorizeAttribute("operators")), "dashboard"));

        Assert.True(LocalRequestsOnlyFilter.IsAllowed(context));
    }

    [Fact]
    public async Task Get_NonLoopbackRemoteWithoutPolicy_Refused403()
    {
        await using var host = await DashboardHost.StartAsync(remoteAddress: IPAddress.Parse("10.0.0.5"));
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        foreach (var path in new[] { "vapisync", "vapisync/queue", "vapisync/assets/dashboard.css" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("RequireAuthorization", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var post = await client.PostAsync(new Uri("vapisync/breaker/isolate", UriKind.Relative), new FormUrlEncodedContent([new("circuit", SharedBreakerCircuits.SharedId)]));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(CircuitState.Closed, host.Breaker.State);
    }

    [Fact]
    public async Task Get_NonLoopbackRemoteWithPolicy_ServedAsThePolicyAllows()
    {
        await using var host = await DashboardHost.StartAsync(remoteAddress: IPAddress.Parse("10.0.0.5"), policy: true);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.GetAsync(new Uri("vapisync", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Circuit breakers", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Refused400AndNothingChanges()
    {
        await using var host = await DashboardHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        using var response = await client.PostAsync(new Uri("vapisync/breaker/isolate", UriKind.Relative), new FormUrlEncodedContent([new("circuit", SharedBreakerCircuits.SharedId)]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(DashboardActions.AntiforgeryRefusal, await response.Content.ReadAsStringAsync());
        Assert.Equal(CircuitState.Closed, host.Breaker.State);
    }

    [Fact]
    public async Task Post_WithTheTokenOfThePage_Accepted()
    {
        await using var host = await DashboardHost.StartAsync();
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        var page = await client.GetStringAsync(new Uri("vapisync", UriKind.Relative));
        var token = TokenField().Match(page).Groups[1].Value;

        using var response = await client.PostAsync(
            new Uri("vapisync/breaker/isolate", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token)), new("circuit", SharedBreakerCircuits.SharedId)]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(CircuitState.Isolated, host.Breaker.State);
    }

    [Fact]
    public async Task Pages_NeverRenderTheApiKey_AndSendSecurityHeaders()
    {
        await using var host = await DashboardHost.StartAsync();
        await host.Manager.EnsureAssistantAsync(new AssistantSyncRequest("org-1", "agent-1", DashboardHost.Definition()));
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        foreach (var path in new[] { "vapisync", "vapisync/agents", "vapisync/queue", "vapisync/audit" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(DashboardHost.Key, html, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Agents_ValuesFromTheStore_AreHtmlEncoded()
    {
        await using var host = await DashboardHost.StartAsync();
        var store = (IAssistantStateStore)host.Services.GetService(typeof(IAssistantStateStore))!;
        await store.SetAsync("org-\"1\"", "<script>alert(1)</script>", new AssistantState("asst-<b>", "hash", DateTimeOffset.UnixEpoch) { AccountFingerprint = "abcd1234" });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        var html = await client.GetStringAsync(new Uri("vapisync/agents", UriKind.Relative));

        Assert.DoesNotContain("<script>alert(1)</script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("asst-<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("value=\"org-&quot;1&quot;\"", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
