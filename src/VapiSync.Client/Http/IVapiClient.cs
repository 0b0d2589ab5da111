using VapiSync.Client.Credentials;

namespace VapiSync.Client.Http;

/// <summary>
/// Vapi's assistant endpoints over a typed <see cref="HttpClient"/> with the library's resilience pipeline.
/// The credential is passed on every call because each organization may use its own key.
/// </summary>
/// <remarks>
/// Failures surface as <see cref="VapiApiException"/> (status, Vapi's messages); bad input as
/// <see cref="VapiValidationException"/> before any request. A POST is never retried by the pipeline.
/// </remarks>
public interface IVapiClient
{
    /// <summary>Creates an assistant (<c>POST /assistant</c>). Read-only fields of the definition are not sent.</summary>
    /// <param name="credential">The key to act with.</param>
    /// <param name="assistant">What the assistant should hold.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The assistant Vapi created.</returns>
    Task<VapiAssistant> CreateAssistantAsync(VapiCredential credential, AssistantDefinition assistant, CancellationToken cancellationToken = default);

    /// <summary>Reads an assistant (<c>GET /assistant/{id}</c>).</summary>
    /// <param name="credential">The key to act with.</param>
    /// <param name="assistantId">The assistant's id (a UUID).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The assistant, or <see langword="null"/> when Vapi answers 404.</returns>
    Task<VapiAssistant?> GetAssistantAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken = default);

    /// <summary>Updates an assistant (<c>PATCH /assistant/{id}</c>) with the complete desired state.</summary>
    /// <param name="credential">The key to act with.</param>
    /// <param name="assistantId">The assistant's id (a UUID).</param>
    /// <param name="assistant">What the assistant should hold.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updated assistant.</returns>
    /// <exception cref="VapiApiException">Vapi answered with an error; 404 when the assistant does not exist.</exception>
    Task<VapiAssistant> UpdateAssistantAsync(VapiCredential credential, string assistantId, AssistantDefinition assistant, CancellationToken cancellationToken = default);

    /// <summary>Deletes an assistant (<c>DELETE /assistant/{id}</c>).</summary>
    /// <param name="credential">The key to act with.</param>
    /// <param name="assistantId">The assistant's id (a UUID).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when deleted; <see langword="false"/> when Vapi answered 404.</returns>
    /// <exception cref="VapiApiException">Vapi answered with an error; 409 <c>assistant_pinned</c> for a pinned assistant.</exception>
    Task<bool> DeleteAssistantAsync(VapiCredential credential, string assistantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists every assistant of the credential's account, walking all pages (<c>limit</c>, then <c>createdAtLe</c>),
    /// each assistant once.
    /// </summary>
    /// <param name="credential">The key to act with.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The assistants, as pages arrive.</returns>
    IAsyncEnumerable<VapiAssistant> ListAssistantsAsync(VapiCredential credential, CancellationToken cancellationToken = default);
}
