using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>The stylesheet and the progress script, embedded in the assembly: no CDN, the dashboard works offline.</summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Files = Load();

    public static IResult Serve(string name) => Files.TryGetValue(name, out var file)
        ? Results.Bytes(file.Content, file.ContentType)
        : Results.NotFound();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        const string prefix = "VapiSync.Client.Dashboard.Assets.";
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var name = resource[prefix.Length..];
            files[name] = (buffer.ToArray(), Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            });
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
