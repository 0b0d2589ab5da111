using System.Text.Json.Nodes;

namespace VapiSync.Client.Tests.Http;

/// <summary>
/// Checks a JSON body against a schema of Vapi's OpenAPI document the way Vapi's server does: types, enums, lengths,
/// ranges, required fields, one-of unions, and — unlike plain JSON Schema, since the spec never says
/// <c>additionalProperties: false</c> — a property the schema does not declare is an error ("should not exist").
/// </summary>
internal sealed class OpenApiSchemaValidator
{
    private readonly JsonObject _schemas;

    private OpenApiSchemaValidator(JsonObject schemas) => _schemas = schemas;

    public static OpenApiSchemaValidator Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Http", "TestData", "vapi-assistant-schemas.json");
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        return new OpenApiSchemaValidator(document["components"]!["schemas"]!.AsObject());
    }

    public List<string> Validate(JsonNode? value, string schemaName)
    {
        var errors = new List<string>();
        Check(value, _schemas[schemaName]!.AsObject(), schemaName, errors);
        return errors;
    }

    private void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            Check(value, Resolve(reference.GetValue<string>()), path, errors);
            return;
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var part in allOf)
            {
                Check(value, part!.AsObject(), path, errors);
            }
        }

        if (schema["oneOf"] is JsonArray oneOf || schema["anyOf"] is JsonArray)
        {
            var options = (schema["oneOf"] ?? schema["anyOf"])!.AsArray();
            var matches = options.Count(option =>
            {
                var attempt = new List<string>();
                Check(value, option!.AsObject(), path, attempt);
                return attempt.Count == 0;
            });
            if (matches == 0)
            {
                errors.Add($"{path}: matches none of the {options.Count} allowed shapes");
            }
        }

        if (value is null)
        {
            return;
        }

        CheckType(value, schema, path, errors);
        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in obj)
            {
                if (properties[name] is JsonObject childSchema)
                {
                    Check(child, childSchema, $"{path}.{name}", errors);
                }
                else
                {
                    errors.Add($"{path}: property {name} should not exist");
                }
            }

            foreach (var required in schema["required"]?.AsArray() ?? [])
            {
                if (!obj.ContainsKey(required!.GetValue<string>()))
                {
                    errors.Add($"{path}.{required}: is required");
                }
            }
        }

        if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, $"{path}[{i}]", errors);
            }
        }
    }

    private static void CheckType(JsonNode value, JsonObject schema, string path, List<string> errors)
    {
        var kind = value.GetValueKind();
        var type = schema["type"]?.GetValue<string>();
        var ok = type switch
        {
            "string" => kind == System.Text.Json.JsonValueKind.String,
            "number" => kind == System.Text.Json.JsonValueKind.Number,
            "integer" => kind == System.Text.Json.JsonValueKind.Number && value.GetValue<double>() % 1 == 0,
            "boolean" => kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
            "object" => kind == System.Text.Json.JsonValueKind.Object,
            "array" => kind == System.Text.Json.JsonValueKind.Array,
            _ => true,
        };
        if (!ok)
        {
            errors.Add($"{path}: must be of type {type}");
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add($"{path}: must be one of the allowed values");
        }

        if (kind == System.Text.Json.JsonValueKind.String && schema["maxLength"] is JsonValue max && value.GetValue<string>().Length > max.GetValue<int>())
        {
            errors.Add($"{path}: longer than {max}");
        }

        if (kind == System.Text.Json.JsonValueKind.Number)
        {
            var number = value.GetValue<double>();
            if ((schema["minimum"] is JsonValue min && number < min.GetValue<double>()) || (schema["maximum"] is JsonValue top && number > top.GetValue<double>()))
            {
                errors.Add($"{path}: out of range");
            }
        }
    }

    private JsonObject Resolve(string reference) => _schemas[reference.Split('/')[^1]]!.AsObject();
}
