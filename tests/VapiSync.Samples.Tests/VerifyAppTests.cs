using VapiSync.Client.Testing;
using VapiSync.Verify;

namespace VapiSync.Samples.Tests;

public sealed class VerifyAppTests
{
    [Fact]
    public async Task Run_AgainstEmbeddedFake_AllChecksPass()
    {
        using var output = new StringWriter();

        var report = await VerificationRunner.RunAsync(new VerifyOptions(null, null), output, new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);

        var text = output.ToString();
        Assert.True(report.Failed == 0, text);
        Assert.Equal(15, report.Passed);
        Assert.Equal(0, report.Skipped);
        foreach (var evidence in new[] { "playht/jennifer → azure/en-US-JennyNeural", "Unchanged", "0 requests", "Options:PlatformApiKey", "Recreated", "1 POST", "Adopted", "ResetAsync → Closed", "audit clean · second repair 0 writes" })
        {
            Assert.Contains(evidence, text, StringComparison.Ordinal);
        }

        Assert.Contains("store up: Moved", text, StringComparison.Ordinal);
        Assert.EndsWith("verify: 15 passed, 0 failed, 0 skipped", text.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithBaseUrl_DrivesThatServerSkipsFaultChecksAndCleansUp()
    {
        // A separately started server stands in for "a real Vapi": the app cannot inject faults into it.
        await using var server = await FakeVapiServer.StartAsync(new FakeVapiServerOptions { DefaultApiKey = "sk-external" });
        using var output = new StringWriter();

        var report = await VerificationRunner.RunAsync(new VerifyOptions(server.BaseAddress, "sk-external"), output, new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);

        var text = output.ToString();
        Assert.True(report.Failed == 0, text);
        Assert.Equal(6, report.Skipped);
        Assert.Equal(9, report.Passed);
        Assert.Contains("SKIPPED (cannot be provoked on a real server)", text, StringComparison.Ordinal);
        Assert.Contains(server.Requests, r => r.Method == "POST" && r.KeyFingerprint == Client.Credentials.VapiCredential.ComputeFingerprint("sk-external"));
        Assert.Empty(server.GetAssistants("default"));
        Assert.Contains("Cleaned up", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--base-url", "not a url" }, "sk", "not an absolute URL")]
    [InlineData(new[] { "--base-url", "https://api.vapi.ai" }, null, "VAPI_PRIVATE_KEY")]
    [InlineData(new[] { "--what" }, "sk", "Unknown argument")]
    public void Parse_BadArguments_ExplainWhy(string[] args, string? key, string expected)
    {
        var options = VerifyOptions.Parse(args, key);

        Assert.Contains(expected, options.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoArguments_UsesTheFakeEvenWhenAKeyIsSet()
    {
        var options = VerifyOptions.Parse([], "sk-real-key");

        Assert.True(options.AgainstFake);
        Assert.Null(options.ApiKey);
    }
}
