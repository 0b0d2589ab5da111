using System.Runtime.CompilerServices;
using VapiSync.Client.Credentials;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The sync's one path to Vapi, whatever <see cref="IVapiClient"/> is registered: chosen once at registration
/// (<see cref="For"/>), so the sync itself never asks which client it has.
/// </summary>
internal abstract class AssistantGateway
{
    /// <summary>The library's own client sends the pre-serialized body and reads back only what the sync needs; any other client gets definitions.</summary>
    public static AssistantGateway For(IVapiClient client) => client is VapiClient own ? new OwnClient(own) : new AnyClient(client);

    public abstract Task<(string Id, DateTimeOffset CreatedAt)> CreateAsync(VapiCredential credential, DesiredAssistant desired, CancellationToken cancellationToken);

    public abstract Task UpdateAsync(VapiCredential credential, string assistantId, DesiredAssistant desired, CancellationToken cancellationToken);

    /// <summary>
    /// A PATCH of the voice alone (the fleet's voice fix: <c>{"voice": …}</c>). The library's own client writes the body
    /// straight to bytes and keeps nothing of the answer: the assistant Vapi answers with is read to its end under the
    /// timeouts but not parsed, nor kept, on every write of a 1,000-voice repair.
    /// </summary>
    public abstract Task PatchVoiceAsync(VapiCredential credential, string assistantId, VoiceConfig voice, CancellationToken cancellationToken);

    /// <summary>The assistant as Vapi holds it; <see langword="null"/> when Vapi answers 404 (a dry run's only read of one assistant).</summary>
    public abstract Task<VapiAssistant?> GetAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken);

    /// <summary>Every assistant created in the window (unbounded where null), each once.</summary>
    public abstract IAsyncEnumerable<VapiAssistant> ListAsync(
        VapiCredential credential, DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ListAsync"/>, for the sync's own listings: each assistant needs only its id, timestamps and metadata.
    /// The library's own client skips the rest of each item while reading; any other client lists whole assistants.
    /// </summary>
    public virtual IAsyncEnumerable<VapiAssistant> ListSummariesAsync(
        VapiCredential credential, DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, CancellationToken cancellationToken) =>
        ListAsync(credential, createdAtGe, createdAtLe, cancellationToken);

    public abstract Task<bool> DeleteAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken);

    private sealed class OwnClient(VapiClient client) : AssistantGateway
    {
        public override async Task<(string Id, DateTimeOffset CreatedAt)> CreateAsync(VapiCredential credential, DesiredAssistant desired, CancellationToken cancellationToken)
        {
            var created = await client.CreateAssistantAsync(credential, desired.Body, cancellationToken).ConfigureAwait(false);
            return (created.Id, created.CreatedAt);
        }

        public override Task UpdateAsync(VapiCredential credential, string assistantId, DesiredAssistant desired, CancellationToken cancellationToken) =>
            client.UpdateAssistantAsync(credential, assistantId, desired.Body, cancellationToken);

        public override Task PatchVoiceAsync(VapiCredential credential, string assistantId, VoiceConfig voice, CancellationToken cancellationToken) =>
            client.UpdateAssistantAsync(credential, assistantId, AssistantPayload.VoicePatch(voice), cancellationToken);

        public override Task<VapiAssistant?> GetAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken) =>
            client.GetAssistantAsync(credential, assistantId, cancellationToken);

        public override IAsyncEnumerable<VapiAssistant> ListAsync(
            VapiCredential credential, DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, CancellationToken cancellationToken) =>
            client.ListAssistantsAsync(credential, createdAtGe, createdAtLe, cancellationToken);

        public override IAsyncEnumerable<VapiAssistant> ListSummariesAsync(
            VapiCredential credential, DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, CancellationToken cancellationToken) =>
            client.ListAssistantsAsync(credential, createdAtGe, createdAtLe, summaries: true, cancellationToken);

        public override Task<bool> DeleteAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken) =>
            client.DeleteAssistantAsync(credential, assistantId, cancellationToken);
    }

    /// <summary>A host's own <see cref="IVapiClient"/>: its public contract has no window filter, so windows are cut client-side.</summary>
    private sealed class AnyClient(IVapiClient client) : AssistantGateway
    {
        public override async Task<(string Id, DateTimeOffset CreatedAt)> CreateAsync(VapiCredential credential, DesiredAssistant desired, CancellationToken cancellationToken)
        {
            var created = await client.CreateAssistantAsync(credential, desired.Definition, cancellationToken).ConfigureAwait(false)
                ?? throw new VapiApiException(0, ["The IVapiClient returned no assistant for a create."], VapiErrorCodes.MalformedResponse, "POST /assistant");
            return (created.Id, created.CreatedAt);
        }

        public override Task UpdateAsync(VapiCredential credential, string assistantId, DesiredAssistant desired, CancellationToken cancellationToken) =>
            client.UpdateAssistantAsync(credential, assistantId, desired.Definition, cancellationToken);

        public override Task PatchVoiceAsync(VapiCredential credential, string assistantId, VoiceConfig voice, CancellationToken cancellationToken) =>
            client.UpdateAssistantAsync(credential, assistantId, new AssistantDefinition { Voice = voice }, cancellationToken);

        public override Task<VapiAssistant?> GetAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken) =>
            client.GetAssistantAsync(credential, assistantId, cancellationToken);

        public override async IAsyncEnumerable<VapiAssistant> ListAsync(
            VapiCredential credential, DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var assistant in client.ListAssistantsAsync(credential, cancellationToken).ConfigureAwait(false))
            {
                if (assistant is not null && (createdAtGe is null || assistant.CreatedAt >= createdAtGe) && (createdAtLe is null || assistant.CreatedAt <= createdAtLe))
                {
                    yield return assistant;
                }
            }
        }

        public override Task<bool> DeleteAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken) =>
            client.DeleteAssistantAsync(credential, assistantId, cancellationToken);
    }
}
