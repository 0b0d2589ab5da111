using System.Globalization;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Tests.Http;

/// <summary>The listing walk against an in-memory model of Vapi's list (limit + timestamp filters, no cursor).</summary>
public sealed class AssistantListWalkTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public enum Order
    {
        NewestFirst,
        OldestFirst,
        ById,
    }

    [Theory]
    [InlineData(1, Order.NewestFirst)]
    [InlineData(2, Order.NewestFirst)]
    [InlineData(3, Order.OldestFirst)]
    [InlineData(5, Order.ById)]
    [InlineData(7, Order.NewestFirst)]
    [InlineData(1000, Order.NewestFirst)]
    [InlineData(4, Order.ById)]
    public async Task Walk_MoreTiesThanAPage_SeesEveryAssistantOnce(int pageSize, Order order)
    {
        // 40 share one createdAt (10 of them also one updatedAt), 10 share another, 20 are spread out.
        var items = new List<VapiAssistant>();
        items.AddRange(Enumerable.Range(0, 40).Select(i => Item(T0.AddSeconds(5), T0.AddSeconds(5).AddMilliseconds(i < 10 ? 0 : i))));
        items.AddRange(Enumerable.Range(0, 10).Select(_ => Item(T0.AddSeconds(9), T0.AddSeconds(9))));
        items.AddRange(Enumerable.Range(0, 20).Select(i => Item(T0.AddMilliseconds(i * 700), T0.AddMilliseconds(i * 700))));
        var vapi = new ListModel(items, order);
        var walk = new AssistantListWalk(vapi.GetPageAsync, pageSize);

        var seen = await Collect(walk.WalkAsync(null, null, CancellationToken.None));

        Assert.Equal(items.Select(a => a.Id).Order(), seen.Order());
        Assert.Equal(0, walk.Incomplete);
        Assert.All(vapi.Limits, l => Assert.True(l <= pageSize || l == AssistantListWalk.MaxLimit)); // the page size is exceeded only for identical timestamps
    }

    [Theory]
    [InlineData(Order.NewestFirst, true)]   // 3 full pages + 1 short: no proof requests
    [InlineData(Order.OldestFirst, false)]  // each full page is proved above its oldest item
    [InlineData(Order.ById, false)]
    public async Task Walk_PagesOfDistinctTimestamps_ProofOnlyWhenThePageIsNotNewestFirst(Order order, bool onePerPage)
    {
        var items = Enumerable.Range(0, 300).Select(i => Item(T0.AddSeconds(i), T0.AddSeconds(i))).ToList();
        var walk = new AssistantListWalk(new ListModel(items, order).GetPageAsync, 100);

        var seen = await Collect(walk.WalkAsync(null, null, CancellationToken.None));

        Assert.Equal(items.Select(a => a.Id).Order(), seen.Order());
        if (onePerPage)
        {
            Assert.Equal(4, walk.Requests);
        }
        else
        {
            Assert.True(walk.Requests > 4, $"{walk.Requests} requests: the pages were not proved");
        }
    }

    [Fact]
    public async Task Walk_Window_OnlyItsAssistants()
    {
        var items = Enumerable.Range(0, 30).Select(i => Item(T0.AddSeconds(i), T0.AddSeconds(i))).ToList();
        var walk = new AssistantListWalk(new ListModel(items, Order.NewestFirst).GetPageAsync, 4);

        var seen = await Collect(walk.WalkAsync(T0.AddSeconds(10), T0.AddSeconds(19), CancellationToken.None));

        Assert.Equal(items.Skip(10).Take(10).Select(a => a.Id).Order(), seen.Order());
    }

    [Fact]
    public async Task Walk_ThousandIdenticalTimestamps_ReportsIncompleteInsteadOfLooping()
    {
        var items = Enumerable.Range(0, 1001).Select(_ => Item(T0, T0)).ToList();
        var walk = new AssistantListWalk(new ListModel(items, Order.NewestFirst).GetPageAsync, 100);

        var seen = await Collect(walk.WalkAsync(null, null, CancellationToken.None));

        Assert.Equal(1000, seen.Count);
        Assert.Equal(1, walk.Incomplete);
    }

    private static async Task<List<string>> Collect(IAsyncEnumerable<VapiAssistant> assistants)
    {
        var ids = new List<string>();
        await foreach (var a in assistants)
        {
            ids.Add(a.Id);
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
        return ids;
    }

    private static VapiAssistant Item(DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
        new() { Id = Guid.NewGuid().ToString(), CreatedAt = createdAt, UpdatedAt = updatedAt };

    private sealed class ListModel(List<VapiAssistant> items, Order order)
    {
        public List<int> Limits { get; } = [];

        public Task<List<VapiAssistant>> GetPageAsync(string path, CancellationToken cancellationToken)
        {
            var query = new Uri("http://x/" + path).Query.TrimStart('?').Split('&')
                .Select(p => p.Split('='))
                .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
            var limit = int.Parse(query["limit"], CultureInfo.InvariantCulture);
            Assert.InRange(limit, 1, 1000);
            Limits.Add(limit);
            IEnumerable<VapiAssistant> result = items.Where(a =>
                Within(a.CreatedAt, query, "createdAt") && Within(a.UpdatedAt, query, "updatedAt"));
            result = order switch
            {
                Order.NewestFirst => result.OrderByDescending(a => a.CreatedAt),
                Order.OldestFirst => result.OrderBy(a => a.CreatedAt),
                _ => result.OrderBy(a => a.Id, StringComparer.Ordinal),
            };
            return Task.FromResult(result.Take(limit).ToList());
        }

        private static bool Within(DateTimeOffset value, Dictionary<string, string> query, string field) =>
            (!query.TryGetValue(field + "Ge", out var ge) || value >= DateTimeOffset.Parse(ge, CultureInfo.InvariantCulture))
            && (!query.TryGetValue(field + "Le", out var le) || value <= DateTimeOffset.Parse(le, CultureInfo.InvariantCulture));
    }
}
