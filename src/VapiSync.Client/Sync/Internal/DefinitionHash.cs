using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VapiSync.Client.Sync.Internal;

/// <summary>
/// The request body in canonical form (object keys sorted, so a host that re-orders its JSON does not cause a PATCH) —
/// which is also what is sent, so the body is serialized once — and its hash together with the account it goes to
/// (a key for another account is a change).
/// </summary>
internal static class DefinitionHash
{
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? t_scratch;

    public static byte[] CanonicalUtf8(JsonObject body)
    {
        // One scratch buffer and writer per thread: the only allocation left is the body itself.
        var (buffer, writer) = t_scratch ??= CreateScratch();
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        WriteCanonical(writer, body);
        writer.Flush();
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            t_scratch = null; // do not pin one huge definition's buffer to the thread forever
        }

        return bytes;
    }

    private static (ArrayBufferWriter<byte>, Utf8JsonWriter) CreateScratch()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        return (buffer, new Utf8JsonWriter(buffer));
    }

    public static string Compute(ReadOnlySpan<byte> canonicalBody, string accountFingerprint)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(canonicalBody);
        Span<byte> suffix = stackalloc byte[64];
        var written = Encoding.UTF8.GetBytes("\n" + accountFingerprint, suffix);
        sha.AppendData(suffix[..written]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                var names = new string[obj.Count];
                var i = 0;
                foreach (var property in obj)
                {
                    names[i++] = property.Key;
                }

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
