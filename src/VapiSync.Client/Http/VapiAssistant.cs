using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VapiSync.Client.Http;

/// <summary>An assistant as Vapi returns it (<c>Assistant</c> in Vapi's schema).</summary>
/// <remarks>Fields this type does not name are kept in <see cref="ExtensionData"/>, so nothing Vapi returns is lost.</remarks>
public sealed class VapiAssistant
{
    /// <summary>Gets or sets the assistant's id (a UUID assigned by Vapi).</summary>
    /// <value>The default value is an empty string.</value>
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets the id of the Vapi organization (account) that owns the assistant.</summary>
    /// <value>The default value is <see langword="null"/> (platform or shared assistants).</value>
    [JsonPropertyName("orgId")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrgId { get; set; }

    /// <summary>Gets or sets when Vapi created the assistant.</summary>
    /// <value>The default value is <see cref="DateTimeOffset.MinValue"/>.</value>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Gets or sets when Vapi last changed the assistant.</summary>
    /// <value>The default value is <see cref="DateTimeOffset.MinValue"/>.</value>
    [JsonPropertyName("updatedAt")]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Gets or sets the assistant's name.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    /// <summary>Gets or sets the first message.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonPropertyName("firstMessage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FirstMessage { get; set; }

    /// <summary>Gets or sets the model block.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonPropertyName("model")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Model { get; set; }

    /// <summary>Gets or sets the voice Vapi holds (which can differ from the one last sent: Vapi migrates retired voices).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonPropertyName("voice")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VoiceConfig? Voice { get; set; }

    /// <summary>Gets or sets the transcriber block.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonPropertyName("transcriber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Transcriber { get; set; }

    /// <summary>Gets or sets the assistant's metadata (where the library keeps its sync key).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonPropertyName("metadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Metadata { get; set; }

    /// <summary>Gets or sets every other field Vapi returned.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Copies the writable part of this assistant into a definition (read-only fields are left out).</summary>
    /// <returns>A definition that, sent back to Vapi, describes this assistant.</returns>
    public AssistantDefinition ToDefinition()
    {
        var definition = AssistantDefinition.Copy(Name, FirstMessage, Model, Voice, Transcriber, Metadata, ExtensionData);
        Internal.AssistantPayload.RemoveReadOnlyFields(definition.ExtensionData);
        return definition;
    }

    /// <summary>Returns the assistant's id and name.</summary>
    /// <returns>A short, human-readable form.</returns>
    public override string ToString() => $"{Id} ({Name})";
}
