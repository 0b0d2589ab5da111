namespace VapiSync.Client.IntegrationTests;

/// <summary>The library and the fake agree with Vapi: a name of 30 emoji (60 UTF-16 units) fits the 40-character limit.</summary>
public sealed class NameLengthTests
{
    [Fact]
    public async Task Ensure_NameOf30Emoji_IsCreatedWithTheNameIntact()
    {
        await using var host = await IntegrationHost.StartAsync();
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 30));

        var result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(name: name), IntegrationHost.Deadline());

        Assert.Equal(SyncOutcome.Created, result.Outcome);
        Assert.Equal(name, Assert.Single(host.AssistantsOf("agent-1"))["name"]!.GetValue<string>());
    }
}
