using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Json.Schema.Keywords;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// Validates assistant request bodies against Vapi's own OpenAPI schemas (<c>CreateAssistantDTO</c>,
/// <c>UpdateAssistantDTO</c>, every nested schema they reach), embedded as JSON Schema 2020-12 and evaluated with
/// JsonSchema.Net. Messages follow Vapi's class-validator style, prefixed with the field's path
/// (<c>model.model should not be empty</c>, <c>voice.property foo should not exist</c>).
/// </summary>
internal sealed class VapiSchemaValidator
{
    public const string CreateAssistant = "CreateAssistantDTO";
    public const string UpdateAssistant = "UpdateAssistantDTO";

    private const string ResourceName = "VapiSync.Client.Testing.vapi-assistant.schema.json";
    private static readonly Uri BaseUri = new("https://vapisync.local/vapi-assistant.schema.json");
    private static readonly Lazy<VapiSchemaValidator> Lazy = new(Load);
    // Flag output is about ten times faster; the detailed tree is evaluated only for a body that fails, to word the errors.
    private static readonly EvaluationOptions Check = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly EvaluationOptions Explain = new() { OutputFormat = OutputFormat.Hierarchical, RequireFormatValidation = true };

    // Tests send the same bodies again and again (a soak syncs 100 agents 1000 times): remember the valid ones.
    private const int CacheLimit = 4096;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _valid = new(StringComparer.Ordinal);
    private readonly JsonObject _document;
    private readonly Dictionary<string, JsonSchema> _roots;

    private VapiSchemaValidator(JsonObject document, Dictionary<string, JsonSchema> roots)
    {
        _document = document;
        _roots = roots;
    }

    public static VapiSchemaValidator Instance => Lazy.Value;

    /// <summary>Returns Vapi-style messages for every violation; empty when the body is valid.</summary>
    public List<string> Validate(JsonNode? body, string schemaName)
    {
        var text = body?.ToJsonString() ?? "null";
        var key = schemaName + "\n" + text;
        var errors = new List<string>();
        if (_valid.ContainsKey(key))
        {
            return errors;
        }

        using var instance = JsonDocument.Parse(text);
        var schema = _roots[schemaName];
        if (schema.Evaluate(instance.RootElement, Check).IsValid)
        {
            if (_valid.Count >= CacheLimit)
            {
                _valid.Clear();
            }

            _valid.TryAdd(key, true);
            return errors;
        }

        Collect(schema.Evaluate(instance.RootElement, Explain), body, errors);
        return errors;
    }

    private static VapiSchemaValidator Load()
    {
        using var stream = typeof(VapiSchemaValidator).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        var text = new StreamReader(stream).ReadToEnd();
        var options = new BuildOptions
        {
            SchemaRegistry = new SchemaRegistry(),
            Dialect = Dialect.Draft202012.Without([MaxLengthKeyword.Instance, MinLengthKeyword.Instance]).With([CodePointLength.Max, CodePointLength.Min]),
        };
        JsonSchema.FromText(text, options, BaseUri);
        var roots = new[] { CreateAssistant, UpdateAssistant }.ToDictionary(
            name => name,
            name => JsonSchema.FromText($$"""{"$ref":"{{BaseUri}}#/$defs/{{name}}"}""", options, new Uri($"https://vapisync.local/{name}")),
            StringComparer.Ordinal);
        return new VapiSchemaValidator(JsonNode.Parse(text)!.AsObject(), roots);
    }

    private void Collect(EvaluationResults node, JsonNode? body, List<string> errors)
    {
        foreach (var (keyword, message) in node.Errors ?? [])
        {
            if (Describe(node, keyword, message, body) is { } text && !errors.Contains(text))
            {
                errors.Add(text);
            }
        }

        if (node.Errors?.ContainsKey("oneOf") == true || node.Errors?.ContainsKey("anyOf") == true)
        {
            return; // one message for the union, not one per variant tried
        }

        foreach (var child in node.Details ?? [])
        {
            var parentPath = Segments(node.EvaluationPath);
            var childPath = Segments(child.EvaluationPath);
            var step = childPath.Length > parentPath.Length ? childPath[parentPath.Length] : string.Empty;
            if (!child.IsValid && step is not ("if" or "not" or "oneOf" or "anyOf"))
            {
                Collect(child, body, errors);
            }
        }
    }

    private string? Describe(EvaluationResults node, string keyword, string message, JsonNode? body)
    {
        var location = Segments(node.InstanceLocation);
        var path = Path(location);
        var field = path.Length == 0 ? string.Empty : path + ".";
        var value = SchemaValue(node, keyword);
        return keyword switch
        {
            "required" => string.Join("; ", Missing(node.InstanceLocation, value, body).Select(m => $"{field}{m} should not be empty")),
            "additionalProperties" or "unevaluatedProperties" => null, // reported by the false subschema, per property
            "" or "false" when location.Length > 0 => $"{Path(location[..^1])}{(location.Length > 1 ? "." : string.Empty)}property {location[^1]} should not exist",
            "type" => $"{Name(path)} must be {Article(value)}",
            "enum" or "const" => $"{Name(path)} must be one of the following values: {Values(value)}",
            "maxLength" => $"{Name(path)} must be shorter than or equal to {value} characters",
            "minLength" => $"{Name(path)} must be longer than or equal to {value} characters",
            "maximum" => $"{Name(path)} must not be greater than {value}",
            "minimum" => $"{Name(path)} must not be less than {value}",
            "maxItems" => $"{Name(path)} must contain no more than {value} elements",
            "minItems" => $"{Name(path)} must contain at least {value} elements",
            "pattern" => $"{Name(path)} must match {value} regular expression",
            "format" => $"{Name(path)} must be a valid {value?.ToString().Trim('"')}",
            "oneOf" or "anyOf" => $"{Name(path)} must match exactly one of the allowed shapes",
            _ => $"{Name(path)}: {message}",
        };
    }

    private JsonNode? SchemaValue(EvaluationResults node, string keyword)
    {
        var fragment = node.SchemaLocation.Fragment.TrimStart('#');
        JsonNode? current = _document;
        foreach (var segment in fragment.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(segment).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            current = current switch
            {
                JsonObject o => o[name],
                JsonArray a when int.TryParse(name, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return current is JsonObject schema && keyword.Length > 0 ? schema[keyword] : current;
    }

    private static IEnumerable<string> Missing(Json.Pointer.JsonPointer location, JsonNode? required, JsonNode? body)
    {
        var target = location.TryEvaluate(body!, out var found) ? found : null;
        return (required as JsonArray ?? []).Select(r => r!.GetValue<string>()).Where(r => target is not JsonObject o || !o.ContainsKey(r));
    }

    private static string[] Segments(Json.Pointer.JsonPointer pointer) =>
        [.. pointer.ToString().Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    /// <summary>Vapi's message prefix: <c>model.messages.1.role</c>.</summary>
    private static string Path(string[] segments) => string.Join('.', segments);

    private static string Name(string path) => path.Length == 0 ? "body" : path;

    private static string Article(JsonNode? type) => type switch
    {
        JsonArray types => string.Join(" or ", types.Where(t => t!.GetValue<string>() != "null").Select(t => Article(t))),
        JsonValue v => v.GetValue<string>() switch
        {
            "object" => "an object",
            "array" => "an array",
            "integer" => "an integer number",
            "boolean" => "a boolean value",
            var other => "a " + other,
        },
        _ => "valid",
    };

    private static string Values(JsonNode? values) => values switch
    {
        JsonArray array => string.Join(", ", array.Where(v => v is not null).Select(v => v!.ToString())),
        null => string.Empty,
        _ => values.ToString(),
    };
}
