using System.Text.Json.Nodes;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Testing;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// Every fault kind on every operation a sync makes. Whatever the fault, the sync either succeeds or fails with a
/// typed exception, and after one clean sync exactly one assistant holds the last desired definition.
/// </summary>
public sealed class FaultMatrixTests
{
    public static TheoryData<string, string> Cases()
    {
        var faults = new[] { "503", "429", "reset", "malformed", "commit-500", "commit-reset", "commit-stall", "latency" };
        var operations = new[] { "create", "update", "adopt-list", "recreate", "delete" };
        var data = new TheoryData<string, string>();
        foreach (var fault in faults)
        {
            foreach (var operation in operations)
            {
                data.Add(fault, operation);
            }
        }

        return data;
    }

    private static Fault FaultFor(string name) => name switch
    {
        "503" => Fault.Status(503),
        "429" => Fault.Status(429, TimeSpan.Zero),
        "reset" => Fault.ConnectionReset(),
        "malformed" => Fault.MalformedBody(),
        "commit-500" => Fault.CommitThenFail(500),
        "commit-reset" => Fault.CommitThenReset(),
        "commit-stall" => Fault.CommitThenStall(TimeSpan.FromSeconds(20)),
        _ => Fault.Latency(TimeSpan.FromMilliseconds(100)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fault_OnOperation_ConvergesToExactlyOneAssistant(string faultName, string operation)
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o =>
        {
            o.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(600);
            o.CircuitBreaker.MinimumThroughput = 1000;
        }));
        var ct = IntegrationHost.Deadline();
        var fault = FaultFor(faultName);

        string? assistantId = null;
        if (operation is "update" or "recreate" or "delete")
        {
            assistantId = (await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(), ct)).AssistantId;
        }

        if (operation == "adopt-list")
        {
            // State lost: the assistant exists, the library must find it through the listing.
            assistantId = host.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject
            {
                ["name"] = "Old",
                ["metadata"] = new JsonObject { ["vapiSyncKey"] = "org-1/agent-1" },
            });
        }

        if (operation == "recreate")
        {
            host.Server.RemoveAssistant(IntegrationHost.PlatformAccount, assistantId!);
        }

        var (method, path) = operation switch
        {
            "create" => ("POST", "/assistant"),
            "update" => ("PATCH", "/assistant/{id}"),
            "adopt-list" => ("GET", "/assistant"),
            "recreate" => ("POST", "/assistant"),
            _ => ("DELETE", "/assistant/{id}"),
        };
        host.Server.Faults.Enqueue(method, path, fault);

        var desired = IntegrationHost.Request(name: "Desired " + faultName);
        try
        {
            if (operation == "delete")
            {
                await host.Manager.DeleteAssistantAsync("org-1", "agent-1", ct);
            }
            else
            {
                await host.Manager.EnsureAssistantAsync(desired, ct);
            }
        }
        catch (VapiApiException)
        {
            // A typed failure is acceptable; what matters is the state after the next clean sync.
        }

        host.Server.Faults.Clear();
        if (operation == "delete")
        {
            await host.Manager.DeleteAssistantAsync("org-1", "agent-1", ct);
            Assert.Empty(host.AssistantsOf("agent-1"));
            return;
        }

        var final = await host.Manager.EnsureAssistantAsync(desired, ct);

        var only = Assert.Single(host.AssistantsOf("agent-1"));
        Assert.Equal(final.AssistantId, only["id"]!.GetValue<string>());
        Assert.Equal("Desired " + faultName, only["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fault_OnGetAndList_TypedExceptionsFromClient()
    {
        await using var host = await IntegrationHost.StartAsync(build: b => b.ConfigureResilience(o => o.Retry.MaxRetryAttempts = 1));
        var ct = IntegrationHost.Deadline();
        var credential = new VapiCredential(IntegrationHost.PlatformKey, "test");
        host.Server.Faults.Enqueue("GET", "/assistant/{id}", Fault.MalformedBody());
        host.Server.Faults.Enqueue("GET", "/assistant", Fault.ConnectionReset(), times: 2);
        var id = host.Server.SeedAssistant(IntegrationHost.PlatformAccount, new JsonObject { ["name"] = "x" });

        var malformed = await Assert.ThrowsAsync<VapiApiException>(() => host.Client.GetAssistantAsync(credential, id, ct));
        var reset = await Assert.ThrowsAsync<VapiApiException>(async () => await host.Client.ListAssistantsAsync(credential, ct).ToListAsync(ct));

        Assert.Equal(VapiErrorCodes.MalformedResponse, malformed.ErrorCode);
        Assert.IsType<System.Text.Json.JsonException>(malformed.InnerException, exactMatch: false);
        Assert.Equal(VapiErrorCodes.ConnectionFailed, reset.ErrorCode);
    }
}
