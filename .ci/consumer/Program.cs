using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client;
using VapiSync.Client.Testing;

// What a user does after `dotnet add package VapiSync.Client`: register, sync, get one assistant.
await using var vapi = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-consumer" });
var services = new ServiceCollection().AddLogging();
services.AddVapiSync(o =>
{
    o.BaseUrl = vapi.BaseAddress;
    o.PlatformApiKey = "sk-consumer";
});
await using var provider = services.BuildServiceProvider();
var manager = provider.GetRequiredService<IVapiAssistantManager>();

var request = new AssistantSyncRequest("org", "agent", new AssistantDefinition
{
    Name = "Consumer",
    Voice = new VoiceConfig { Provider = "playht", VoiceId = "jennifer" },
});
var first = await manager.EnsureAssistantAsync(request);
var second = await manager.EnsureAssistantAsync(request);

Console.WriteLine($"consumer: {first.Outcome} then {second.Outcome}, {first.Voice}, assistants at Vapi: {vapi.GetAssistants("default").Count}");
return first.Outcome == SyncOutcome.Created && second.Outcome == SyncOutcome.Unchanged && vapi.GetAssistants("default").Count == 1 ? 0 : 1;
