using System.Globalization;
using System.Text.Json.Nodes;
using VapiSync.Client.Fleet;

namespace VapiSync.Client.Testing;

/// <summary>
/// Seeds a fake account the way naive sync code leaves a real one: legacy voices (managed and not), duplicates from
/// retried POSTs, assistants of deleted agents, and assistants edited in the dashboard — plus healthy ones around them.
/// Used by the <c>vapisync --demo</c> mode, the verification app and tests.
/// </summary>
public static class MessyAccount
{
    private static readonly DateTimeOffset Epoch = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Adds the messy assistants to an account of the fake.</summary>
    /// <param name="server">The fake.</param>
    /// <param name="accountId">The account (see <see cref="FakeVapiServer.AddApiKey"/>).</param>
    /// <param name="organizationId">The host organization whose sync keys the managed assistants carry.</param>
    /// <param name="syncKeyMetadataName">The metadata field of the sync key (<see cref="VapiSyncOptions.SyncKeyMetadataName"/>).</param>
    /// <returns>The host's live agents and the ids of each kind of damage.</returns>
    public static MessyAccountSeed Seed(FakeVapiServer server, string accountId, string organizationId = "demo-org", string syncKeyMetadataName = "vapiSyncKey")
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        var seeder = new Seeder(server, accountId, organizationId, syncKeyMetadataName);

        var frontDesk = Agent("front-desk", "Front desk", "Thanks for calling Northwind Dental, how can I help?", Voice("azure", "en-US-AriaNeural"));
        var afterHours = Agent("after-hours", "After hours", "We're closed right now, but I can take a message.", Voice("azure", "en-US-GuyNeural"));
        var billing = Agent("billing", "Billing", "Billing desk, what can I do for you?", Voice("playht", "jennifer"));
        var scheduler = Agent("scheduler", "Scheduler", "I can book, move or cancel an appointment.", Voice("azure", "en-US-AriaNeural"));
        var support = Agent("support", "Support", "Technical support, what seems to be the problem?", Voice("azure", "en-US-DavisNeural"));

        seeder.Managed(frontDesk);
        seeder.Managed(afterHours);
        seeder.Managed(scheduler, edit: a =>
        {
            a["firstMessage"] = "Hi!! (edited in the dashboard)";
            a["model"]!["temperature"] = 0.9;
        });
        var billingId = seeder.Managed(billing);
        seeder.Managed(support);

        // Retried POSTs whose answers were lost: the same definition created twice more.
        var duplicates = new[] { seeder.Managed(afterHours), seeder.Managed(afterHours) };
        var orphanPromo = seeder.Managed(Agent("spring-promo", "Spring promo", "Ask me about our spring offer!", Voice("azure", "en-US-JennyNeural")));
        var orphanIvr = seeder.Managed(Agent("old-ivr", "Old IVR", "Press one for sales.", Voice("neets", "vits")));

        var unmanagedPlayht = seeder.Unmanaged(Agent("-", "Marketing test bot", "Hey there!", Voice("playht", "s3://voice-cloning-zero-shot/jennifer")));
        var unmanagedJenny = seeder.Unmanaged(Agent("-", "Sales demo", "Hello from sales.", Voice("azure", "jenny")));
        seeder.Unmanaged(Agent("-", "Scratchpad", "Testing, testing.", Voice("azure", "en-US-AriaNeural")));
        seeder.Unmanaged(Agent("-", "Partner bot", "Partner line.", Voice("azure", "en-US-EmmaNeural")), new JsonObject { ["owner"] = "partner" });

        return new MessyAccountSeed
        {
            OrganizationId = organizationId,
            Agents = [.. new[] { frontDesk, afterHours, billing, scheduler, support }.Select(a => new FleetAgent(a.Key, AssistantDefinition.FromJson(a.Definition.ToJsonString())))],
            LegacyVoiceAssistantIds = [billingId, orphanIvr, unmanagedPlayht, unmanagedJenny],
            UnmanagedLegacyVoiceAssistantIds = [unmanagedPlayht, unmanagedJenny],
            DuplicateAssistantIds = duplicates,
            OrphanAssistantIds = [orphanPromo, orphanIvr],
            DriftedAssistantIds = [seeder.IdOf("scheduler")],
            AssistantCount = seeder.Count,
        };
    }

    /// <summary>
    /// Adds many managed assistants, one second apart, for load tests and benchmarks: agent <c>agent-{i}</c> of the
    /// organization, every <paramref name="legacyVoiceEvery"/>-th with a PlayHT voice (0: none).
    /// </summary>
    /// <param name="server">The fake.</param>
    /// <param name="accountId">The account.</param>
    /// <param name="organizationId">The host organization whose sync keys they carry.</param>
    /// <param name="count">How many assistants.</param>
    /// <param name="legacyVoiceEvery">Every how many assistants one has a legacy voice; 0 for none.</param>
    /// <returns>The assistants' ids, oldest first.</returns>
    public static IReadOnlyList<string> SeedMany(FakeVapiServer server, string accountId, string organizationId, int count, int legacyVoiceEvery = 0)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(legacyVoiceEvery);
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var legacy = legacyVoiceEvery > 0 && i % legacyVoiceEvery == 0;
            var body = new JsonObject
            {
                ["name"] = $"Agent {i}",
                ["voice"] = legacy ? Voice("playht", "jennifer") : Voice("azure", "en-US-AriaNeural"),
                ["metadata"] = new JsonObject { ["vapiSyncKey"] = Uri.EscapeDataString(organizationId) + "/" + Uri.EscapeDataString($"agent-{i}") },
            };
            ids.Add(AddAt(server, accountId, body, Epoch.AddSeconds(i)));
        }

        return ids;
    }

    private static string AddAt(FakeVapiServer server, string accountId, JsonObject body, DateTimeOffset createdAt)
    {
        var id = server.SeedAssistant(accountId, body);
        var timestamp = createdAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        server.ModifyAssistant(accountId, id, a =>
        {
            a["createdAt"] = timestamp;
            a["updatedAt"] = timestamp;
        });
        return id;
    }

    private static JsonObject Voice(string provider, string voiceId) => new() { ["provider"] = provider, ["voiceId"] = voiceId };

    private static (string Key, JsonObject Definition) Agent(string key, string name, string firstMessage, JsonObject voice) => (key, new JsonObject
    {
        ["name"] = name,
        ["firstMessage"] = firstMessage,
        ["model"] = new JsonObject
        {
            ["provider"] = "openai",
            ["model"] = "gpt-4o",
            ["temperature"] = 0.3,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "system", ["content"] = $"You are the {name} assistant of Northwind Dental. Be brief and friendly." }),
        },
        ["voice"] = voice,
        ["transcriber"] = new JsonObject { ["provider"] = "deepgram", ["model"] = "nova-3", ["language"] = "en" },
    });

    /// <summary>Creates assistants a day apart, as they accumulated, so the oldest of a duplicate group is well defined.</summary>
    private sealed class Seeder(FakeVapiServer server, string accountId, string organizationId, string syncKeyMetadataName)
    {
        private readonly Dictionary<string, string> _firstIdByAgent = new(StringComparer.Ordinal);

        public int Count { get; private set; }

        public string IdOf(string agentKey) => _firstIdByAgent[agentKey];

        public string Managed((string Key, JsonObject Definition) agent, Action<JsonObject>? edit = null)
        {
            var body = (JsonObject)agent.Definition.DeepClone();
            body["metadata"] = new JsonObject
            {
                [syncKeyMetadataName] = Uri.EscapeDataString(organizationId) + "/" + Uri.EscapeDataString(agent.Key),
            };
            edit?.Invoke(body);
            var id = Add(body);
            _firstIdByAgent.TryAdd(agent.Key, id);
            return id;
        }

        public string Unmanaged((string Key, JsonObject Definition) agent, JsonObject? metadata = null)
        {
            var body = (JsonObject)agent.Definition.DeepClone();
            if (metadata is not null)
            {
                body["metadata"] = metadata;
            }

            return Add(body);
        }

        private string Add(JsonObject body) => AddAt(server, accountId, body, Epoch.AddDays(Count++));
    }
}
