using System.Net;

namespace VapiSync.Samples.Tests;

public sealed class SampleDashboardTests : IClassFixture<SampleHostTests.Factory>
{
    private readonly SampleHostTests.Factory _factory;

    public SampleDashboardTests(SampleHostTests.Factory factory) => _factory = factory;

    [Fact]
    public async Task GetDashboard_DevelopmentHost_ServesTheOverview()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/vapisync", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<title>Overview · VapiSync sample</title>", html, StringComparison.Ordinal);
        Assert.Contains("data-state=\"Closed\"", html, StringComparison.Ordinal);
    }
}
