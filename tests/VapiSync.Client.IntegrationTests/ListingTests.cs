using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using VapiSync.Client.Credentials;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

public sealed class ListingTests
{
    [Fact]
    public async Task List_WalksEveryPageWithTimestampTies_EachAssistantOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await IntegrationHost.StartAsync(
            o => o.ListPageSize = 10,
            serverOptions: new FakeVapiServerOptions { TimeProvider = clock });
        var ids = new List<string>();
        for (var i = 0; i < 35; i++)
        {
            // Three assistants per millisecond, so page boundaries split groups of equal createdAt.
            if (i % 3 == 0)
            {
                clock.Advance(TimeSpan.FromMilliseconds(1));
            }

            ids.Add(host.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject { ["name"] = $"a{i}" }));
        }

        var listed = await host.Client.ListAssistantsAsync(new VapiCredential(IntegrationHost.PlatformKey, "test"), IntegrationHost.Deadline()).ToListAsync();

        Assert.Equal(ids.Order(), listed.Select(a => a.Id).Order());
        var queries = host.Server.Requests.Where(r => r.Path == "/assistant").Select(r => r.Query).ToList();
        // Full pages of 10; the check above each full page asks for one more than the page held there (at most 10).
        Assert.All(queries, q => Assert.True(int.Parse(q.Split('&')[0]["?limit=".Length..], System.Globalization.CultureInfo.InvariantCulture) <= 10, q));
        Assert.Contains(queries, q => q.Contains("createdAtLe=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_AccountsAreIsolatedByKey()
    {
        await using var host = await IntegrationHost.StartAsync();
        host.Server.AddApiKey("sk-other", "other-account");
        host.Server.SeedAssistant("other-account", new JsonObject { ["name"] = "theirs" });

        var mine = await host.Client.ListAssistantsAsync(new VapiCredential(IntegrationHost.PlatformKey, "test"), IntegrationHost.Deadline()).ToListAsync();
        var theirs = await host.Client.ListAssistantsAsync(new VapiCredential("sk-other", "test"), IntegrationHost.Deadline()).ToListAsync();

        Assert.Empty(mine);
        Assert.Equal("theirs", Assert.Single(theirs).Name);
    }
}
