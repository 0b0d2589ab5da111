using System.Text.Json;
using Json.Schema;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// <c>maxLength</c>/<c>minLength</c> counted as Vapi counts them: class-validator calls validator.js <c>isLength</c>,
/// which subtracts one per surrogate pair and one per emoji presentation selector (U+FE0E/U+FE0F after a character)
/// from the UTF-16 length. So 30 emoji are 30 characters, not 60. The library counts the same way in its own request
/// validation; the fake keeps its own copy on purpose (no internals shared across packages, and a fake that reused the
/// library's code would agree with any mistake in it).
/// </summary>
internal sealed class CodePointLength : IKeywordHandler
{
    public static readonly CodePointLength Max = new("maxLength");
    public static readonly CodePointLength Min = new("minLength");

    private CodePointLength(string name) => Name = name;

    public string Name { get; }

    /// <summary>The length validator.js <c>isLength</c> computes.</summary>
    public static int Count(string text)
    {
        var length = text.Length;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && char.IsLowSurrogate(text[i + 1]))
            {
                length--;
                i++;
            }
        }

        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (!IsPresentationSelector(text[i]) && IsPresentationSelector(text[i + 1]))
            {
                length--;
                i++;
            }
        }

        return length;
    }

    public object? ValidateKeywordValue(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var limit) && limit >= 0
            ? (long)limit
            : throw new JsonSchemaException($"'{Name}' must be a non-negative integer.");

    public void BuildSubschemas(KeywordData keyword, BuildContext context)
    {
    }

    public KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        if (context.Instance.ValueKind != JsonValueKind.String)
        {
            return new KeywordEvaluation { Keyword = Name, IsValid = true };
        }

        var limit = (long)keyword.Value!;
        var length = Count(context.Instance.GetString()!);
        var valid = Name == "maxLength" ? length <= limit : length >= limit;
        return new KeywordEvaluation
        {
            Keyword = Name,
            IsValid = valid,
            Error = valid ? null : $"Value has {length} characters; the limit is {limit}.",
        };
    }

    private static bool IsPresentationSelector(char c) => c is '\uFE0E' or '\uFE0F';
}
