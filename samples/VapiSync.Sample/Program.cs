using System.Text.Json;
using VapiSync.Client;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Resilience;
using VapiSync.Client.Testing;
using VapiSync.Sample;

var builder = WebApplication.CreateBuilder(args);

// No Vapi key anywhere: run against the embedded fake so the sample works on a fresh machine.
var embedded = EmbeddedVapi.NoKeyConfigured(builder.Configuration) ? new EmbeddedVapi() : null;

builder.Services.AddVapiSync(builder.Configuration.GetSection(VapiSyncOptions.SectionName))
    .AddCredentialProvider<JsonFileKeyStore>();
if (embedded is not null)
{
    builder.Services.AddSingleton(embedded);
    builder.Services.PostConfigure<VapiSyncOptions>(embedded.Apply);
}

builder.Services.AddHealthChecks().AddVapiSyncHealthCheck();
builder.Services.AddProblemDetails();

var app = builder.Build();
if (embedded is not null)
{
    await embedded.StartAsync();
    app.Logger.LogInformation(
        "No Vapi key configured (VapiSync:PlatformApiKey or VAPI_PRIVATE_KEY): using the embedded FakeVapiServer at {BaseUrl}",
        embedded.Server!.BaseAddress);
}
else
{
    app.Logger.LogInformation("VapiSync sample using Vapi at {BaseUrl}", app.Configuration["VapiSync:BaseUrl"]);
}

// The inbound agent save: the host stored the agent, now Vapi must mirror it.
app.MapPut("/organizations/{orgId}/agents/{agentId}", async (string orgId, string agentId, AssistantDefinition definition, IVapiAssistantManager manager, CancellationToken ct) =>
{
    var result = await manager.EnsureAssistantAsync(new AssistantSyncRequest(orgId, agentId, definition), ct);
    return Results.Ok(new
    {
        result.AssistantId,
        Outcome = result.Outcome.ToString(),
        result.CredentialSource,
        Voice = new
        {
            Original = result.Voice.Original?.ToString(),
            Sent = result.Voice.Result?.ToString(),
            result.Voice.Changed,
            Rule = result.Voice.AppliedRule?.Reason,
            result.Voice.DroppedSettings,
        },
        Orphans = result.Orphans.Select(o => new { o.AssistantId, o.AccountFingerprint, o.RecordedAt }),
    });
});

app.MapDelete("/organizations/{orgId}/agents/{agentId}", async (string orgId, string agentId, IVapiAssistantManager manager, CancellationToken ct) =>
    await manager.DeleteAssistantAsync(orgId, agentId, ct) ? Results.NoContent() : Results.NotFound());

app.MapGet("/vapi/circuit", (IVapiCircuitBreaker breaker) => Results.Ok(new { State = breaker.State.ToString(), breaker.OpenedAt }));

app.MapPost("/vapi/circuit/reset", async (IVapiCircuitBreaker breaker, CancellationToken ct) =>
{
    await breaker.ResetAsync(ct);
    return Results.Ok(new { State = breaker.State.ToString(), breaker.OpenedAt });
});

app.MapPost("/vapi/circuit/isolate", async (IVapiCircuitBreaker breaker, CancellationToken ct) =>
{
    await breaker.IsolateAsync(ct);
    return Results.Ok(new { State = breaker.State.ToString(), breaker.OpenedAt });
});

app.MapHealthChecks("/health");

// Library exceptions → problem details with the right status; Vapi's own messages are passed on.
app.Use(async (context, next) =>
{
    try
    {
        await next(context);
    }
    catch (Exception ex) when (SampleErrors.ToProblem(ex) is { } problem)
    {
        await problem.ExecuteAsync(context);
    }
});

await app.RunAsync();

/// <summary>Entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;

internal static class SampleErrors
{
    public static IResult? ToProblem(Exception ex) => ex switch
    {
        VapiValidationException v => Results.ValidationProblem(new Dictionary<string, string[]> { ["assistant"] = [.. v.Errors] }),
        ArgumentException a => Results.Problem(a.Message, statusCode: StatusCodes.Status400BadRequest),
        JsonException or BadHttpRequestException => Results.Problem("The body is not a Vapi assistant JSON object.", statusCode: StatusCodes.Status400BadRequest),
        VapiCredentialUnavailableException u => Results.Problem(u.Message, statusCode: u.IsTransient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError, title: "Vapi key unavailable"),
        VapiCredentialNotFoundException c => Results.Problem(c.Message, statusCode: StatusCodes.Status500InternalServerError, title: "No Vapi key"),
        VapiApiException { IsTransient: true } t => Results.Problem(t.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Vapi unavailable"),
        VapiApiException e => Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: $"Vapi answered {(int)e.StatusCode}"),
        _ => null,
    };
}
