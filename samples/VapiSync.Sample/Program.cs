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
    .AddCredentialProvider<JsonFileKeyStore>()
    .AddSampleQueue(builder.Configuration);
if (embedded is not null)
{
    builder.Services.AddSingleton(embedded);
    builder.Services.PostConfigure<VapiSyncOptions>(embedded.Apply);
}

builder.Services.AddHealthChecks().AddVapiSyncHealthCheck().AddVapiSyncQueueHealthCheck();

// The operations dashboard at /vapisync. Without a policy it serves only local requests; in Development this policy
// lets anyone who reaches the host in. In production attach your own (e.g. an operators role) instead.
builder.Services.AddVapiSyncDashboard(o => o.Title = "VapiSync sample");
builder.Services.AddAuthorization(o => o.AddPolicy("VapiSyncDashboardDevelopment", p => p.RequireAssertion(_ => true)));
builder.Services.AddProblemDetails();

// A body the binder cannot read (malformed JSON, a wrong type, no body, not JSON) must reach the error mapping below as
// an exception, not end as an empty 400.
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

var app = builder.Build();

// Any error status that would otherwise go out with an empty body (415 for a non-JSON body, 404, 405) gets problem details.
app.UseStatusCodePages();
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

app.MapQueueEndpoints();

app.MapHealthChecks("/health");

var dashboard = app.MapVapiSyncDashboard("/vapisync");
if (app.Environment.IsDevelopment())
{
    dashboard.RequireAuthorization("VapiSyncDashboardDevelopment");
}

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

/// <summary>
/// Every failure as RFC 7807 problem details. Bad input becomes a validation problem whose <c>errors</c> map each field
/// to its messages; input is echoed only bounded, so a 100,000-character value never makes a 100 KB response.
/// </summary>
internal static class SampleErrors
{
    private const int MaxMessageLength = 300;

    public static IResult? ToProblem(Exception ex) => ex switch
    {
        VapiValidationException v => Validation(v.Errors.Select(Split)),
        BadHttpRequestException { InnerException: JsonException json } => Validation([FromJson(json)]),
        BadHttpRequestException bad => Results.Problem(Bounded(bad.Message), statusCode: bad.StatusCode, title: "The request body could not be read"),
        JsonException json => Validation([FromJson(json)]),
        ArgumentException a => Validation([(a.ParamName ?? "request", Bounded(a.Message))]),
        VapiCredentialUnavailableException u => Results.Problem(Bounded(u.Message), statusCode: u.IsTransient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError, title: "Vapi key unavailable"),
        VapiCredentialNotFoundException c => Results.Problem(Bounded(c.Message), statusCode: StatusCodes.Status500InternalServerError, title: "No Vapi key"),
        VapiApiException { IsTransient: true } t => Results.Problem(Bounded(t.Message), statusCode: StatusCodes.Status503ServiceUnavailable, title: "Vapi unavailable"),
        VapiApiException e => Results.Problem(Bounded(e.Message), statusCode: StatusCodes.Status502BadGateway, title: $"Vapi answered {(int)e.StatusCode}"),
        _ => null,
    };

    private static IResult Validation(IEnumerable<(string Field, string Message)> errors) =>
        Results.ValidationProblem(errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal));

    /// <summary>The library words each error as <c>Field: message</c>.</summary>
    private static (string Field, string Message) Split(string error)
    {
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? (error[..colon], Bounded(error[(colon + 2)..])) : ("assistant", Bounded(error));
    }

    /// <summary>System.Text.Json names the failing spot as a path (<c>$.voice.voiceId</c>); its message never echoes the value.</summary>
    private static (string Field, string Message) FromJson(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
        var message = json.Message;
        var pathNote = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (field, Bounded(pathNote > 0 ? message[..pathNote] : message));
    }

    private static string Bounded(string text) => text.Length <= MaxMessageLength ? text : string.Concat(text.AsSpan(0, MaxMessageLength), "…");
}
