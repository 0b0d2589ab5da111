using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VapiSync.Client.Http;
using VapiSync.Client.Http.Internal;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The request body in canonical form (object keys sorted, so a host that re-orders its JSON does not cause a PATCH) —
/// which is also what is sent, so the body is serialized once — and its hash together with the account it goes to
/// (a key for another account is a change).
/// </summary>
/// <remarks>
/// <para>
/// Every sync pays for this, including one that sends nothing, so it works on pooled buffers: the definition and the
/// normalized voice are serialized once into a per-thread buffer, read back as one pooled <see cref="JsonDocument"/>,
/// and written out with sorted keys; the only allocations left are the body itself and the rare escaped property name.
/// </para>
/// <para>
/// The body is the definition as serialized (read-only fields removed, matched ignoring case), its <c>voice</c>
/// replaced by the normalized voice (or removed), and the sync key set in its <c>metadata</c> object (created, or
/// replacing a value that is not an object; the object's key keeps the host's casing, a property spelled like the sync
/// key's name in any casing is replaced by the sync key). Two properties of one object whose names differ only in case
/// are refused with a validation error (the request body's shape reads names ignoring case).
/// </para>
/// </remarks>
internal static class DefinitionHash
{
    /// <summary>Property names are compared as raw UTF-8 when they are plain ASCII; more than this many per object are checked for case-insensitive twins with a set.</summary>
    private const int PairwiseDuplicateCheckLimit = 32;

    private static readonly byte[] VoiceUtf8 = "voice"u8.ToArray();
    private static readonly byte[] MetadataUtf8 = "metadata"u8.ToArray();
    private static readonly byte[][] ReadOnlyFieldsUtf8 = [.. AssistantPayload.ReadOnlyFields.Select(Encoding.UTF8.GetBytes)];

    [ThreadStatic]
    private static Scratch? t_scratch;

    private enum EntryKind : byte
    {
        /// <summary>A property of the serialized definition, written as it is (objects with sorted keys).</summary>
        Element,

        /// <summary>The normalized voice.</summary>
        Voice,

        /// <summary>The metadata object with the sync key set.</summary>
        Metadata,

        /// <summary>The sync key, inside the metadata object.</summary>
        SyncKey,
    }

    /// <summary>Serializes the definition as the canonical request body.</summary>
    /// <exception cref="VapiValidationException">The definition cannot be serialized (JSON nested deeper than <see cref="AssistantPayload.MaxDepth"/>), or an object has two properties whose names differ only in case.</exception>
    public static byte[] CanonicalBody(AssistantDefinition definition, VoiceConfig? voice, string syncKeyMetadataName, string syncKey)
    {
        // One scratch per thread, used without awaiting; taken off the thread while in use, so nothing can share it.
        var scratch = t_scratch ?? new Scratch();
        t_scratch = null;
        JsonDocument document;
        try
        {
            document = scratch.Serialize(definition, voice);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // Thrown before any I/O (ArgumentException: a NaN or infinite number in a JsonNode); the serializer's own message names no field, so find the offending one.
            t_scratch = scratch;
            throw new VapiValidationException([AssistantPayload.Unserializable(definition, ex)]);
        }

        using (document)
        {
            var writer = scratch.Writer;
            scratch.Canonical.ResetWrittenCount();
            writer.Reset(scratch.Canonical);
            var root = document.RootElement;
            new Canonicalizer(scratch, syncKeyMetadataName, syncKey).WriteBody(root[0], root[1]);
            writer.Flush();
            var bytes = scratch.Canonical.WrittenSpan.ToArray();

            // Do not pin one huge definition's buffers to the thread forever.
            if (scratch.Canonical.Capacity <= 64 * 1024 && scratch.Raw.Capacity <= 64 * 1024 && scratch.Entries.Length * Unsafe.SizeOf<Entry>() <= 64 * 1024)
            {
                t_scratch = scratch;
            }

            return bytes;
        }
    }

    /// <summary>SHA-256 of the canonical body, a line feed and the account fingerprint, as lower-case hex.</summary>
    public static string Compute(ReadOnlySpan<byte> canonicalBody, string accountFingerprint)
    {
        var length = canonicalBody.Length + 1 + Encoding.UTF8.GetMaxByteCount(accountFingerprint.Length);
        byte[]? rented = null;
        var buffer = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            canonicalBody.CopyTo(buffer);
            buffer[canonicalBody.Length] = (byte)'\n';
            var written = canonicalBody.Length + 1 + Encoding.UTF8.GetBytes(accountFingerprint, buffer[(canonicalBody.Length + 1)..]);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..written], hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> RawName(in Entry entry) => JsonMarshal.GetRawUtf8PropertyName(entry.Property);

    /// <summary>Ordinal (UTF-16) order, as <see cref="string.CompareOrdinal(string, string)"/> would sort the names.</summary>
    private static int CompareNames(Entry a, Entry b) => (a.Name, b.Name) switch
    {
        (null, null) => RawName(a).SequenceCompareTo(RawName(b)),
        (null, { } name) => CompareAsciiToChars(RawName(a), name),
        ({ } name, null) => -CompareAsciiToChars(RawName(b), name),
        _ => string.CompareOrdinal(a.Name, b.Name),
    };

    private static int CompareAsciiToChars(ReadOnlySpan<byte> ascii, ReadOnlySpan<char> chars)
    {
        var common = Math.Min(ascii.Length, chars.Length);
        for (var i = 0; i < common; i++)
        {
            if (ascii[i] != chars[i])
            {
                return ascii[i] - chars[i];
            }
        }

        return ascii.Length - chars.Length;
    }

    private static bool NameEqualsIgnoreCase(in Entry entry, ReadOnlySpan<byte> asciiName, string name) =>
        entry.Name is null ? Ascii.EqualsIgnoreCase(RawName(entry), asciiName) : string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase);

    private static string NameString(in Entry entry) => entry.Name ?? Encoding.ASCII.GetString(RawName(entry));

    /// <summary>One property to write: a property of the document, or one the body adds (voice, metadata, sync key).</summary>
    private struct Entry
    {
        public JsonProperty Property;

        /// <summary>The name as a string when it is not plain ASCII as written (escaped), or the name of an added property; else <see langword="null"/> (the raw UTF-8 is the name).</summary>
        public string? Name;

        public EntryKind Kind;
    }

    private sealed class Scratch
    {
        public readonly ArrayBufferWriter<byte> Raw = new(4096);
        public readonly ArrayBufferWriter<byte> Canonical = new(4096);

        // The serializer's own limit, one level deeper for the array that carries the definition and the voice.
        public readonly Utf8JsonWriter RawWriter;
        public readonly Utf8JsonWriter Writer;
        public Entry[] Entries = new Entry[64];

        public Scratch()
        {
            RawWriter = new Utf8JsonWriter(Raw, new JsonWriterOptions { MaxDepth = AssistantPayload.MaxDepth + 1, SkipValidation = true });
            Writer = new Utf8JsonWriter(Canonical);
        }

        /// <summary>The definition and the voice as one document, <c>[definition, voice]</c>, over the pooled buffer.</summary>
        public JsonDocument Serialize(AssistantDefinition definition, VoiceConfig? voice)
        {
            Raw.ResetWrittenCount();
            RawWriter.Reset(Raw);
            RawWriter.WriteStartArray();
            JsonSerializer.Serialize(RawWriter, definition, VapiJsonContext.Default.AssistantDefinition);
            if (voice is null)
            {
                RawWriter.WriteNullValue();
            }
            else
            {
                JsonSerializer.Serialize(RawWriter, voice, VapiJsonContext.Default.VoiceConfig);
            }

            RawWriter.WriteEndArray();
            RawWriter.Flush();
            return JsonDocument.Parse(Raw.WrittenMemory, new JsonDocumentOptions { MaxDepth = AssistantPayload.MaxDepth + 1 });
        }
    }

    /// <summary>Writes objects with their keys in ordinal order; each object's properties sit on a stack of <see cref="Entry"/> while it is written.</summary>
    private readonly struct Canonicalizer(Scratch scratch, string syncKeyMetadataName, string syncKey)
    {
        private static readonly Comparison<Entry> Order = CompareNames;

        private Utf8JsonWriter Writer => scratch.Writer;

        public void WriteBody(JsonElement body, JsonElement voice)
        {
            var start = Collect(body, 0);
            var end = start.End;
            var hasMetadata = false;
            var kept = start.Start;
            for (var i = start.Start; i < end; i++)
            {
                ref var entry = ref scratch.Entries[i];
                if (IsReadOnlyField(entry) || NameEqualsIgnoreCase(entry, VoiceUtf8, "voice"))
                {
                    continue; // read-only fields are never sent; the voice sent is the normalized one
                }

                if (NameEqualsIgnoreCase(entry, MetadataUtf8, "metadata"))
                {
                    entry.Kind = EntryKind.Metadata;
                    hasMetadata = true;
                }

                scratch.Entries[kept++] = entry;
            }

            end = kept;
            if (voice.ValueKind != JsonValueKind.Null)
            {
                end = Push(end, new Entry { Name = "voice", Kind = EntryKind.Voice });
            }

            if (!hasMetadata)
            {
                end = Push(end, new Entry { Name = "metadata", Kind = EntryKind.Metadata });
            }

            WriteObject(start.Start, end, voice);
        }

        private void WriteObject(JsonElement element, int depth)
        {
            var (start, end) = Collect(element, depth);
            WriteObject(start, end, default);
        }

        /// <summary>Sorts the entries <paramref name="start"/>..<paramref name="end"/> and writes them as one object.</summary>
        private void WriteObject(int start, int end, JsonElement voice)
        {
            scratch.Entries.AsSpan(start, end - start).Sort(Order);
            Writer.WriteStartObject();
            for (var i = start; i < end; i++)
            {
                var entry = scratch.Entries[i];
                if (entry.Name is null)
                {
                    Writer.WritePropertyName(RawName(entry));
                }
                else
                {
                    Writer.WritePropertyName(entry.Name);
                }

                switch (entry.Kind)
                {
                    case EntryKind.Voice:
                        WriteValue(voice, end);
                        break;
                    case EntryKind.Metadata:
                        WriteMetadata(entry, end);
                        break;
                    case EntryKind.SyncKey:
                        Writer.WriteStringValue(syncKey);
                        break;
                    default:
                        WriteValue(entry.Property.Value, end);
                        break;
                }
            }

            Writer.WriteEndObject();
        }

        /// <summary>The host's metadata object (when it is one) without any spelling of the sync key's name, plus the sync key.</summary>
        private void WriteMetadata(in Entry metadata, int depth)
        {
            var start = depth;
            var end = depth;
            if (metadata.Property.Value.ValueKind == JsonValueKind.Object)
            {
                (start, end) = Collect(metadata.Property.Value, depth);
                var kept = start;
                for (var i = start; i < end; i++)
                {
                    ref var entry = ref scratch.Entries[i];
                    var isSyncKey = entry.Name is null
                        ? Ascii.EqualsIgnoreCase(RawName(entry), syncKeyMetadataName)
                        : string.Equals(entry.Name, syncKeyMetadataName, StringComparison.OrdinalIgnoreCase);
                    if (!isSyncKey)
                    {
                        scratch.Entries[kept++] = scratch.Entries[i];
                    }
                }

                end = kept;
            }

            end = Push(end, new Entry { Name = syncKeyMetadataName, Kind = EntryKind.SyncKey });
            WriteObject(start, end, default);
        }

        private void WriteValue(JsonElement value, int depth)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    WriteObject(value, depth);
                    break;
                case JsonValueKind.Array:
                    Writer.WriteStartArray();
                    foreach (var item in value.EnumerateArray())
                    {
                        WriteValue(item, depth);
                    }

                    Writer.WriteEndArray();
                    break;
                default:
                    value.WriteTo(Writer);
                    break;
            }
        }

        /// <summary>Pushes the object's properties at <paramref name="start"/> and refuses two names that differ only in case.</summary>
        private (int Start, int End) Collect(JsonElement element, int start)
        {
            var end = start;
            foreach (var property in element.EnumerateObject())
            {
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                var plain = raw.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0 && !raw.Contains((byte)'\\');
                end = Push(end, new Entry { Property = property, Name = plain ? null : property.Name });
            }

            ThrowIfCaseInsensitiveTwins(start, end);
            return (start, end);
        }

        private int Push(int end, Entry entry)
        {
            if (end == scratch.Entries.Length)
            {
                Array.Resize(ref scratch.Entries, end * 2);
            }

            scratch.Entries[end] = entry;
            return end + 1;
        }

        private void ThrowIfCaseInsensitiveTwins(int start, int end)
        {
            if (end - start > PairwiseDuplicateCheckLimit)
            {
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var i = start; i < end; i++)
                {
                    if (!seen.Add(NameString(scratch.Entries[i])))
                    {
                        throw Twins(NameString(scratch.Entries[i]));
                    }
                }

                return;
            }

            for (var i = start; i < end; i++)
            {
                for (var j = i + 1; j < end; j++)
                {
                    ref var a = ref scratch.Entries[i];
                    ref var b = ref scratch.Entries[j];
                    var same = a.Name is null && b.Name is null
                        ? Ascii.EqualsIgnoreCase(RawName(a), RawName(b))
                        : string.Equals(NameString(a), NameString(b), StringComparison.OrdinalIgnoreCase);
                    if (same)
                    {
                        throw Twins(NameString(b));
                    }
                }
            }
        }

        private static VapiValidationException Twins(string name) =>
            new([new VapiValidationError("Assistant", $"two properties named '{SyncRequestValidator.Echo(name)}' (names are read ignoring case); keep one.")]);

        private static bool IsReadOnlyField(in Entry entry)
        {
            foreach (var field in ReadOnlyFieldsUtf8)
            {
                if (entry.Name is null ? Ascii.EqualsIgnoreCase(RawName(entry), field) : string.Equals(entry.Name, Encoding.UTF8.GetString(field), StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
