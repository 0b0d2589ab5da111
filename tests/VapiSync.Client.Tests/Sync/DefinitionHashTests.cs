using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;
using VapiSync.Client.Sync.Internal;

namespace VapiSync.Client.Tests.Sync;

/// <summary>
/// The pooled canonical writer against the JsonNode algorithm it replaced (kept here as the oracle): the same bytes,
/// hence the same stored hashes, for every definition the old one accepted, and a typed validation error where the old
/// one threw a raw <see cref="ArgumentException"/> (two names that differ only in case).
/// </summary>
public sealed class DefinitionHashTests
{
    private const string SyncKeyName = "vapiSyncKey";
    private const string SyncKeyValue = "org/agent";

    // Case twins, read-only fields, the fields the body rewrites, escapes and non-ASCII, surrogate pairs and U+FFFD.
    private static readonly string[] Names =
    [
        "a", "b", "A", "B", "ab", "aB", "a b", "z", "voice", "Voice", "metadata", "Metadata", "id", "ID", "orgId", "createdAt", "name",
        "model", "é", "É", "<tag>", "q\"uote", "new\nline", "\uD83D\uDE00", "\uFFFD", "\uE000", "provider", "voiceId", SyncKeyName, "x-1",
    ];

    private static readonly Gen<JsonNode?> Leaf = Gen.OneOf<JsonNode?>(
        Gen.Const(() => (JsonNode?)null),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Double[-1e6, 1e6].Select(d => (JsonNode?)JsonValue.Create(d)),
        Gen.OneOf(Names).Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)));

    private static readonly Gen<string> Name = Gen.OneOf(Names);

    [Fact]
    public void CanonicalBody_RandomDefinitions_SameBytesAsTheJsonNodeAlgorithm()
    {
        var compared = 0;
        Gen.Select(Definition, VoiceGen).Sample(pair =>
        {
            // The normalized voice is there exactly when the host's is (the normalizer maps null to null).
            var (definition, voice) = pair;
            definition.Voice = voice;
            byte[]? expected;
            Exception? oracleError = null;
            try
            {
                expected = Legacy(definition, voice);
            }
            catch (Exception ex) when (ex is ArgumentException or VapiValidationException)
            {
                expected = null;
                oracleError = ex;
            }

            if (expected is null)
            {
                // The old algorithm refused it (raw ArgumentException or a validation error): refused, now always typed.
                Assert.Throws<VapiValidationException>(() => DefinitionHash.CanonicalBody(definition, voice, SyncKeyName, SyncKeyValue));
                Assert.NotNull(oracleError);
                return;
            }

            var actual = DefinitionHash.CanonicalBody(definition, voice, SyncKeyName, SyncKeyValue);
            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
            Interlocked.Increment(ref compared);
        }, iter: 3000, seed: null);

        // Case twins are common in the generator: make sure most of the run still compares bytes.
        Assert.True(compared > 500, $"only {compared} of 3,000 definitions were accepted by the old algorithm");
    }

    [Fact]
    public void CanonicalBody_AnySpellingOfTheSyncKeyName_IsReplacedByTheExactName()
    {
        var definition = new AssistantDefinition { Metadata = new JsonObject { ["VAPISYNCKEY"] = "someone else's", ["crm"] = 1 } };

        var body = Encoding.UTF8.GetString(DefinitionHash.CanonicalBody(definition, null, SyncKeyName, SyncKeyValue));

        Assert.Equal("""{"metadata":{"crm":1,"vapiSyncKey":"org/agent"}}""", body);
    }

    [Fact]
    public void CanonicalBody_DoesNotTouchTheHostsDefinition()
    {
        var definition = new AssistantDefinition { Name = "n", Metadata = new JsonObject { ["z"] = 1, ["a"] = 2 } };
        var before = definition.ToJson();

        DefinitionHash.CanonicalBody(definition, null, SyncKeyName, SyncKeyValue);

        Assert.Equal(before, definition.ToJson());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(5000)]
    public void Compute_IsSha256OfBodyLineFeedAndFingerprint(int bodyLength)
    {
        var body = Encoding.UTF8.GetBytes(new string('x', bodyLength));
        const string Fingerprint = "acct-3f9a";

        var expected = Convert.ToHexStringLower(SHA256.HashData([.. body, .. Encoding.UTF8.GetBytes("\n" + Fingerprint)]));

        Assert.Equal(expected, DefinitionHash.Compute(body, Fingerprint));
    }

    private static Gen<JsonNode?> Node(int depth) => depth == 0
        ? Leaf
        : Gen.Frequency(
            (4, Leaf),
            (2, Object(depth - 1).Select(o => (JsonNode?)o)),
            (1, Node(depth - 1).Array[0, 4].Select(items => (JsonNode?)new JsonArray(items))));

    private static Gen<JsonObject> Object(int depth) =>
        Gen.Select(Name, Node(depth)).Array[0, 6].Select(pairs =>
        {
            var o = new JsonObject();
            foreach (var (k, v) in pairs)
            {
                o[k] = v; // case-sensitive, so case twins ("a", "A") occur
            }

            return o;
        });

    private static readonly Gen<Dictionary<string, JsonElement>?> Extensions =
        Gen.Select(Name, Node(2)).Array[0, 4].Select(pairs =>
        {
            if (pairs.Length == 0)
            {
                return null;
            }

            var d = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (k, v) in pairs)
            {
                d[k] = JsonSerializer.SerializeToElement(v);
            }

            return d;
        });

    private static readonly Gen<AssistantDefinition> Definition =
        Gen.Select(
            Gen.OneOf<string?>([null, "agent", "é"]),
            Object(2).Null(),
            Object(2).Null(),
            Object(1).Null(),
            Extensions,
            (name, model, metadata, transcriber, extensions) => new AssistantDefinition
            {
                Name = name, Model = model, Metadata = metadata, Transcriber = transcriber, ExtensionData = extensions,
            });

    private static readonly Gen<VoiceConfig?> VoiceGen =
        Gen.Select(Gen.OneOf(["azure", "11labs"]), Extensions, (provider, settings) => new VoiceConfig { Provider = provider, VoiceId = "v", ExtensionData = settings })
            .Null();

    /// <summary>The algorithm before the pooled writer: JsonNode tree, read-only fields removed, voice and metadata set, keys sorted.</summary>
    private static byte[] Legacy(AssistantDefinition definition, VoiceConfig? voice)
    {
        var body = AssistantPayload.ToRequestBody(definition);
        if (voice is null)
        {
            body.Remove("voice");
        }
        else
        {
            body["voice"] = JsonSerializer.SerializeToNode(voice, VapiJsonContext.Default.VoiceConfig);
        }

        if (body["metadata"] is not JsonObject metadata)
        {
            body["metadata"] = metadata = [];
        }

        // The old code set the sync key ignoring case (keeping a host's other spelling); the new one writes the exact name.
        // Only spellings other than the exact one differ, and those the generator does not produce.
        metadata[SyncKeyName] = SyncKeyValue;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteCanonical(writer, body);
        }

        return stream.ToArray();
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                var names = obj.Select(p => p.Key).ToArray();
                Array.Sort(names, StringComparer.Ordinal);
                writer.WriteStartObject();
                foreach (var name in names)
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, obj[name]);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
