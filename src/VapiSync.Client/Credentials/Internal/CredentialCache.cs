using System.Collections.Concurrent;
using VapiSync.Client.Credentials;

namespace VapiSync.Client.Credentials.Internal;

/// <summary>
/// Hands out one <see cref="VapiCredential"/> per (key, source) instead of a new one per sync, so its fingerprint is
/// hashed once. Bounded: configured keys are few, and the cache starts over if keys keep changing.
/// </summary>
internal sealed class CredentialCache
{
    private const int MaxEntries = 1024;
    private readonly ConcurrentDictionary<(string Key, string Source), VapiCredential> _credentials = new();

    public VapiCredential Get(string apiKey, string source)
    {
        if (_credentials.TryGetValue((apiKey, source), out var credential))
        {
            return credential;
        }

        if (_credentials.Count >= MaxEntries)
        {
            _credentials.Clear();
        }

        return _credentials.GetOrAdd((apiKey, source), static k => new VapiCredential(k.Key, k.Source));
    }
}
