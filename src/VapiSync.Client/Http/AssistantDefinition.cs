using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client;

/// <summary>
/// What the host wants a Vapi assistant to hold, in Vapi's own JSON shape (<c>CreateAssistantDTO</c>).
/// </summary>
/// <remarks>
/// The fields the library reasons about are typed; every other field of Vapi's schema passes through
/// <see cref="ExtensionData"/> unchanged, so a host can keep whole definitions as JSON. Vapi's read-only
/// fields (<c>id</c>, <c>orgId</c>, <c>createdAt</c>, <c>updatedAt</c>, ...) may be present when read, but
/// are never sent: Vapi rejects them.
/// </remarks>
public sealed class AssistantDefinition
{
    /// <summary>Gets or sets the assistant's name (at most 40 characters, Vapi's limit).</summary>
    /// <value>The default value is <see langword="null"/> (not sent).</value>
    [JsonPropertyName("name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; set; }

    /// <summary>Gets or sets the first message the assistant speaks (text, or a URL to audio).</summary>
    /// <value>The default value is <see langword="null"/> (not sent).</value>
    [JsonPropertyName("firstMessage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FirstMessage { get; set; }

    /// <summary>Gets or sets the model block (<c>{"provider":"openai","model":"gpt-4o","messages":[...]}</c>).</summary>
    /// <value>The default value is <see langword="null"/> (not sent).</value>
    [JsonPropertyName("model")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Model { get; set; }

    /// <summary>Gets or sets the voice; it is normalized before anything is sent.</summary>
    /// <value>The default value is <see langword="null"/> (Vapi's default voice).</value>
    [JsonPropertyName("voice")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VoiceConfig? Voice { get; set; }

    /// <summary>Gets or sets the transcriber block (<c>{"provider":"deepgram","model":"nova-3"}</c>).</summary>
    /// <value>The default value is <see langword="null"/> (not sent).</value>
    [JsonPropertyName("transcriber")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Transcriber { get; set; }

    /// <summary>Gets or sets the host's metadata; the library merges its sync key into it when sending.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonPropertyName("metadata")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Metadata { get; set; }

    /// <summary>Gets or sets every other field of Vapi's assistant schema, sent on as it was read.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Creates a deep copy of this definition.</summary>
    /// <returns>A copy that shares no state with this instance.</returns>
    public AssistantDefinition Clone() => Copy(Name, FirstMessage, Model, Voice, Transcriber, Metadata, ExtensionData);

    /// <summary>Reads a definition from Vapi-shaped JSON.</summary>
    /// <param name="json">A JSON object in Vapi's assistant shape.</param>
    /// <returns>The definition; unknown fields are kept in <see cref="ExtensionData"/>.</returns>
    /// <exception cref="JsonException">The text is not a JSON object of that shape.</exception>
    public static AssistantDefinition FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, VapiJsonContext.Default.AssistantDefinition)
            ?? throw new JsonException("The JSON text is 'null', not an assistant object.");
    }

    /// <summary>
    /// The one deep copy of the typed fields, shared by <see cref="Clone"/> and <see cref="Http.VapiAssistant.ToDefinition"/>:
    /// a field added here cannot be left out of either (the tests in <c>AssistantFieldsTests</c> check the types agree).
    /// </summary>
    internal static AssistantDefinition Copy(
        string? name, string? firstMessage, JsonObject? model, VoiceConfig? voice, JsonObject? transcriber, JsonObject? metadata, Dictionary<string, JsonElement>? extensionData) => new()
    {
        Name = name,
        FirstMessage = firstMessage,
        Model = model?.DeepClone().AsObject(),
        Voice = voice?.Clone(),
        Transcriber = transcriber?.DeepClone().AsObject(),
        Metadata = metadata?.DeepClone().AsObject(),
        ExtensionData = extensionData is null ? null : new(extensionData),
    };

    /// <summary>Writes this definition as Vapi-shaped JSON, exactly as it was given (read-only fields included).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, VapiJsonContext.Default.AssistantDefinition);
}
