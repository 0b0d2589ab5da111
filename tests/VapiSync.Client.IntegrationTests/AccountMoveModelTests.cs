using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using VapiSync.Client.Credentials;
using static VapiSync.Client.IntegrationTests.AccountMoveTests;

namespace VapiSync.Client.IntegrationTests;

/// <summary>
/// Random histories of one agent whose organization's key store goes down and up, gains, loses, rotates and forgets
/// keys, against a model of what must hold after every step: the agent's assistant lives in the account of the key
/// the sync used, and every other assistant carrying its sync key is a recorded orphan. CsCheck prints the failing
/// seed; set it with the <c>CsCheck_Seed</c> environment variable to replay it.
/// </summary>
public sealed class AccountMoveModelTests
{
    private enum Step
    {
        Sync,
        SyncChanged,
        ToggleStore,
        GainKey,
        LoseKeyKeepRetired,
        LoseKeyForgetIt,
        RotateKey,
    }

    [Fact]
    public async Task RandomKeyHistories_AgentAlwaysInOneAccountAndEveryOtherCopyIsARecordedOrphan()
    {
        var store = new SwitchableKeyStore();
        await using var host = await StartAsync(store);
        await using var always = host.Another(o => o.CredentialFallback = CredentialFallback.Always, b =>
        {
            b.Services.AddSingleton(store);
            b.AddCredentialProvider<SwitchableKeyStore>();
        });
        var ct = IntegrationHost.Deadline(240);

        var histories = Gen.Select(Gen.Bool, Gen.Enum<Step>().Array[1, 16]);
        await histories.SampleAsync(
            async (useAlways, steps) => await new Model(useAlways ? always : host, store, useAlways).RunAsync(steps, ct),
            iter: 60,
            threads: 1);
    }

    private sealed class Model(IntegrationHost host, SwitchableKeyStore store, bool always)
    {
        private static readonly string PlatformFingerprint = VapiCredential.ComputeFingerprint(IntegrationHost.PlatformKey);
        private readonly string _org = "org-" + Guid.NewGuid().ToString("N")[..12];
        private bool _down;
        private string? _key;
        private int _version;

        private string KeyA => $"sk-{_org}-a";

        private string KeyA2 => $"sk-{_org}-a2";

        private string OrgAccount => _org + "-account";

        public async Task RunAsync(Step[] steps, CancellationToken ct)
        {
            host.Server.AddApiKey(KeyA, OrgAccount);
            host.Server.AddApiKey(KeyA2, OrgAccount);
            foreach (var step in steps)
            {
                switch (step)
                {
                    case Step.Sync:
                        await SyncAndCheckAsync(ct);
                        break;
                    case Step.SyncChanged:
                        _version++;
                        await SyncAndCheckAsync(ct);
                        break;
                    case Step.ToggleStore:
                        _down = !_down;
                        if (_down) { store.Down.Add(_org); } else { store.Down.Remove(_org); }
                        break;
                    case Step.GainKey when _key is null:
                        SetKey(KeyA);
                        break;
                    case Step.LoseKeyKeepRetired when _key is not null:
                        Retire(_key);
                        SetKey(null);
                        break;
                    case Step.LoseKeyForgetIt when _key is not null:
                        SetKey(null);
                        break;
                    case Step.RotateKey when _key is not null:
                        Retire(_key);
                        SetKey(_key == KeyA ? KeyA2 : KeyA);
                        break;
                }
            }
        }

        private void SetKey(string? key)
        {
            _key = key;
            if (key is null) { store.Keys.TryRemove(_org, out _); } else { store.Keys[_org] = key; }
        }

        private void Retire(string key) => store.Retire(_org, key);

        private async Task SyncAndCheckAsync(CancellationToken ct)
        {
            var states = host.Services.GetRequiredService<IAssistantStateStore>();
            var before = await states.GetAsync(_org, "agent-1", ct);
            var writesBefore = host.Server.Requests.Count(r => r.Method != "GET");
            var expectedFingerprint = VapiCredential.ComputeFingerprint(_down ? IntegrationHost.PlatformKey : _key ?? IntegrationHost.PlatformKey);
            var mustRefuse = _down && !always && before is not null && before.AccountFingerprint != PlatformFingerprint;

            AssistantSyncResult result;
            try
            {
                result = await host.Manager.EnsureAssistantAsync(IntegrationHost.Request(org: _org, name: $"v{_version}"), ct);
            }
            catch (VapiCredentialUnavailableException ex) when (mustRefuse)
            {
                Assert.True(ex.IsTransient);
                Assert.Equal(writesBefore, host.Server.Requests.Count(r => r.Method != "GET"));
                Assert.Equal(before, await states.GetAsync(_org, "agent-1", ct));
                return;
            }

            Assert.False(mustRefuse, "a sync split an existing agent across accounts while its key store was down");
            var state = (await states.GetAsync(_org, "agent-1", ct))!;
            Assert.Equal(expectedFingerprint, state.AccountFingerprint);
            Assert.Equal(result.AssistantId, state.AssistantId);
            Assert.Equal(state.Orphans, result.Orphans);

            var live = Assert.Single(Copies(AccountOf(expectedFingerprint)), a => a["id"]!.GetValue<string>() == state.AssistantId);
            Assert.Equal($"v{_version}", live["name"]!.GetValue<string>());
            foreach (var orphan in state.Orphans)
            {
                Assert.Contains(Copies(AccountOf(orphan.AccountFingerprint)), a => a["id"]!.GetValue<string>() == orphan.AssistantId);
            }

            var everywhere = Copies(IntegrationHost.PlatformAccount).Count + Copies(OrgAccount).Count;
            Assert.Equal(1 + state.Orphans.Count, everywhere);
        }

        private string AccountOf(string fingerprint) => fingerprint == PlatformFingerprint ? IntegrationHost.PlatformAccount : OrgAccount;

        private List<JsonObject> Copies(string account) =>
            host.Server.GetAssistants(account).Where(a => a["metadata"]?["vapiSyncKey"]?.GetValue<string>() == $"{_org}/agent-1").ToList();
    }
}
