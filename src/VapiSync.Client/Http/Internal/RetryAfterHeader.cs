namespace VapiSync.Client.Http.Internal;

/// <summary>Reads <c>Retry-After</c> in both of its forms: a number of seconds, or an HTTP date.</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        return header?.Delta ?? (header?.Date - time.GetUtcNow());
    }
}
