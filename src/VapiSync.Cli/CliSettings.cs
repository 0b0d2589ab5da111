namespace VapiSync.Cli;

/// <summary>The options every command shares.</summary>
/// <param name="BaseUrl">Vapi's API, or <see langword="null"/> for the library's default.</param>
/// <param name="KeyEnvironmentVariable">The environment variable holding the private key (never the key itself).</param>
/// <param name="OrganizationId">The organization whose sync keys are audited.</param>
/// <param name="Demo">Run against an embedded fake account seeded with typical damage.</param>
/// <param name="AgentsPath">A folder of agent JSON files, or <see langword="null"/>.</param>
/// <param name="Verbose">Write the library's logs to standard error.</param>
internal sealed record CliSettings(Uri? BaseUrl, string KeyEnvironmentVariable, string OrganizationId, bool Demo, string? AgentsPath, bool Verbose);
