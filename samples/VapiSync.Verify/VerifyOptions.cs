namespace VapiSync.Verify;

/// <summary>Where to run the checks: the embedded fake (no base URL) or a real server with the key from the environment.</summary>
internal sealed record VerifyOptions(Uri? BaseUrl, string? ApiKey, string? Error = null)
{
    public bool AgainstFake => BaseUrl is null;

    public static VerifyOptions Parse(string[] args, string? environmentKey)
    {
        Uri? baseUrl = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--base-url" && i + 1 < args.Length)
            {
                if (!Uri.TryCreate(args[++i], UriKind.Absolute, out baseUrl))
                {
                    return new VerifyOptions(null, null, $"--base-url: '{args[i]}' is not an absolute URL.");
                }
            }
            else
            {
                return new VerifyOptions(null, null, $"Unknown argument '{args[i]}'.");
            }
        }

        if (baseUrl is not null && string.IsNullOrWhiteSpace(environmentKey))
        {
            return new VerifyOptions(null, null, "--base-url needs a Vapi private key in the VAPI_PRIVATE_KEY environment variable.");
        }

        return new VerifyOptions(baseUrl, baseUrl is null ? null : environmentKey);
    }
}
