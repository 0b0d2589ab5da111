using System.Text.Json;
using Microsoft.Extensions.Options;

namespace VapiSync.Client.Voices.Internal;

/// <summary>Applies the rule table: builder rules, then options rules, then the built-in ones; first match wins.</summary>
internal sealed class VoiceNormalizer : IVoiceNormalizer
{
    private readonly IOptionsMonitor<VapiSyncOptions> _options;
    private readonly IReadOnlyList<VoiceRule> _builderRules;
    private RuleTable? _table;

    public VoiceNormalizer(IOptionsMonitor<VapiSyncOptions> options, IOptions<VoiceRuleRegistrations> registrations)
    {
        _options = options;
        _builderRules = registrations.Value.Rules;
    }

    public VoiceNormalization Normalize(VoiceConfig? voice)
    {
        if (voice is null)
        {
            return new VoiceNormalization();
        }

        var options = _options.CurrentValue;
        var candidate = voice.Clone();
        // JSON null reaches these non-nullable properties (a custom voice has no voice id): kept null, never dereferenced.
        candidate.Provider = candidate.Provider?.Trim().ToLowerInvariant() ?? string.Empty;
        candidate.VoiceId = candidate.VoiceId?.Trim()!;

        var rule = Array.Find(RulesFor(options), r => r.Matches(candidate));
        var result = rule is null ? candidate : Replace(candidate, rule.Replacement ?? options.DefaultVoice);
        var dropped = DropUnacceptedSettings(result);

        return new VoiceNormalization
        {
            Original = voice,
            Result = result,
            AppliedRule = rule,
            DroppedSettings = dropped,
            Changed = !SameVoice(voice, result),
        };
    }

    private VoiceRule[] RulesFor(VapiSyncOptions options)
    {
        // Rebuilt only when the options instance changes (reload), not per call. One reference is read and written
        // atomically, so a racing caller never pairs new options with old rules.
        if (_table is { } table && ReferenceEquals(table.Options, options))
        {
            return table.Rules;
        }

        var rules = _builderRules.Concat(options.VoiceRules)
            .Concat(options.IncludeBuiltInVoiceRules ? BuiltInVoiceRules.All : [])
            .ToArray();
        _table = new RuleTable(options, rules);
        return rules;
    }

    /// <summary>
    /// The replacement's own settings win. Settings of the old voice follow only when the provider stays the same, or when
    /// they are portable, accepted by the new provider and in its range: Vapi answers 400 to anything else.
    /// </summary>
    private static VoiceConfig Replace(VoiceConfig original, VoiceConfig replacement)
    {
        var result = replacement.Clone();
        result.Provider = result.Provider?.Trim().ToLowerInvariant() ?? string.Empty;
        if (original.ExtensionData is null)
        {
            return result;
        }

        var sameProvider = result.Provider == original.Provider;
        VoiceSchemas.Providers.TryGetValue(result.Provider, out var schema);
        foreach (var (name, value) in original.ExtensionData)
        {
            if (result.ExtensionData?.ContainsKey(name) == true)
            {
                continue;
            }

            var keep = sameProvider
                || (VoiceSchemas.PortableSettings.Contains(name) && schema?.Accepts(name) == true && InRange(name, value, schema));
            if (keep)
            {
                (result.ExtensionData ??= [])[name] = value;
            }
        }

        return result;
    }

    private static bool InRange(string name, JsonElement value, VoiceSchemas.ProviderSchema schema)
    {
        if (name != "speed")
        {
            return true;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var speed)
            && (schema.SpeedRange is not { } range || (speed >= range.Min && speed <= range.Max));
    }

    private static List<string> DropUnacceptedSettings(VoiceConfig voice)
    {
        var dropped = new List<string>();
        if (voice.ExtensionData is null || !VoiceSchemas.Providers.TryGetValue(voice.Provider, out var schema))
        {
            return dropped;
        }

        foreach (var name in voice.ExtensionData.Select(p => p.Key).ToList())
        {
            if (!schema.Accepts(name) || !InRange(name, voice.ExtensionData[name], schema))
            {
                voice.ExtensionData.Remove(name);
                dropped.Add(name);
            }
        }

        if (voice.ExtensionData.Count == 0)
        {
            voice.ExtensionData = null;
        }

        return dropped;
    }

    private static bool SameVoice(VoiceConfig a, VoiceConfig b) =>
        string.Equals(a.Provider, b.Provider, StringComparison.Ordinal)
        && string.Equals(a.VoiceId, b.VoiceId, StringComparison.Ordinal)
        && SameSettings(a.ExtensionData, b.ExtensionData);

    private static bool SameSettings(Dictionary<string, JsonElement>? a, Dictionary<string, JsonElement>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        foreach (var (name, value) in a ?? [])
        {
            if (!b!.TryGetValue(name, out var other) || !JsonElement.DeepEquals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record RuleTable(VapiSyncOptions Options, VoiceRule[] Rules);
}
