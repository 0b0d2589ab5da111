using System.ComponentModel.DataAnnotations;
using VapiSync.Client.Credentials;
using VapiSync.Client.Voices;

namespace VapiSync.Client;

/// <summary>
/// Settings of VapiSync.Client, bound from the <c>VapiSync</c> configuration section and validated at start-up.
/// Resilience settings live in <c>VapiSync:Resilience</c> (Microsoft's <c>HttpStandardResilienceOptions</c>).
/// </summary>
public sealed class VapiSyncOptions
{
    /// <summary>The conventional configuration section name.</summary>
    public const string SectionName = "VapiSync";

    /// <summary>Gets or sets Vapi's base URL. Must be HTTPS unless it points at a loopback address (a local fake).</summary>
    /// <value>The default value is <c>https://api.vapi.ai</c>.</value>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.vapi.ai");

    /// <summary>Gets or sets the platform's Vapi private key, used for organizations without a key of their own.</summary>
    /// <value>The default value is <see langword="null"/> (then <see cref="ApiKeyEnvironmentVariable"/> is tried).</value>
    public string? PlatformApiKey { get; set; }

    /// <summary>Gets per-organization keys kept in configuration (organization id → key), tried before <see cref="PlatformApiKey"/>.</summary>
    /// <value>The default value is an empty dictionary.</value>
    public Dictionary<string, string> OrganizationApiKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets whether a sync may use a later provider's key (usually the platform key) when an earlier provider
    /// failed for the organization. The default keeps new agents working during a key store outage and never puts a
    /// second assistant of an existing agent into another account.
    /// </summary>
    /// <value>The default value is <see cref="CredentialFallback.NewAgentsOnly"/>.</value>
    public CredentialFallback CredentialFallback { get; set; } = CredentialFallback.NewAgentsOnly;

    /// <summary>
    /// Gets the organizations that must always use a key of their own (from a host provider or <see cref="OrganizationApiKeys"/>):
    /// the platform key is never used for them. A provider can ask the same per organization with <see cref="VapiCredential.OwnKeyRequired"/>.
    /// </summary>
    /// <value>The default value is an empty set.</value>
    public HashSet<string> OrganizationsRequiringOwnKey { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the environment variable read (on every lookup) when no other source has a key.</summary>
    /// <value>The default value is <c>VAPI_PRIVATE_KEY</c>.</value>
    public string ApiKeyEnvironmentVariable { get; set; } = "VAPI_PRIVATE_KEY";

    /// <summary>Gets or sets the voice that replaces legacy or unsupported ones, unless a rule names another.</summary>
    /// <value>The default value is Azure's Jenny: <c>{ "provider": "azure", "voiceId": "en-US-JennyNeural" }</c>.</value>
    [Required]
    public VoiceConfig DefaultVoice { get; set; } = new() { Provider = "azure", VoiceId = "en-US-JennyNeural" };

    /// <summary>Gets the host's voice rules, tried after those added with <c>AddVoiceRule</c> and before the built-in ones.</summary>
    /// <value>The default value is an empty list.</value>
    public List<VoiceRule> VoiceRules { get; } = [];

    /// <summary>Gets or sets a value indicating whether <see cref="BuiltInVoiceRules.All"/> are applied after the host's rules.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeBuiltInVoiceRules { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a sync whose normalized definition has not changed makes no request.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool SkipUnchanged { get; set; } = true;

    /// <summary>Gets or sets the metadata field that carries the agent's sync key on every assistant the library manages.</summary>
    /// <value>The default value is <c>vapiSyncKey</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string SyncKeyMetadataName { get; set; } = "vapiSyncKey";

    /// <summary>Gets or sets how many assistants one list request asks for (Vapi's <c>limit</c>, at most 1000).</summary>
    /// <value>The default value is 1000.</value>
    [Range(1, 1000)]
    public int ListPageSize { get; set; } = 1000;

    /// <summary>Gets or sets how long a listing of an account serves sync-key lookups before it is listed again.</summary>
    /// <value>The default value is 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan AssistantIndexLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets how many times one sync may POST when Vapi answers 5xx and a fresh listing shows it created nothing.
    /// A create that got no answer at all is never repeated in the same sync.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(1, 10)]
    public int MaxCreateAttempts { get; set; } = 3;

    /// <summary>
    /// Gets or sets the guard against two assistants for one agent when saves do not see each other's state: instances
    /// that share no state store, or a create whose state write then failed, seen by another instance whose listing of the
    /// account is older. After each create the sync lists the assistants of the account created since its last listing,
    /// keeps one winner among those carrying the agent's sync key (oldest <c>createdAt</c>, then smallest id — every
    /// instance picks the same) and deletes the others, so two instances that save the same new agent end with one
    /// assistant when both calls return, and both report the winner. The value is how long Vapi may take to show a new
    /// assistant in its listing: each check re-reads that much before the newest assistant the previous listing showed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Cost: updates never pay it. Each create waits for one listing of the account's newest assistants that starts after
    /// its POST returned (one GET for a quiet account). One such listing runs at a time per account, joined by every create
    /// that finishes meanwhile; while other creates of the account are in flight it starts at most once per window, so a
    /// bulk of thousands of new agents reads each new assistant a few times in all, not once per create. A bulk or a queue
    /// drain does not count a create waiting for its check against its parallelism. A caller creating one agent after
    /// another never waits for pacing, but each of its checks re-reads the account's creates of the last window.
    /// </para>
    /// <para>
    /// The window is an assumption about Vapi: a new assistant shows in listings within it of its <c>createdAt</c>. A longer
    /// window tolerates a slower Vapi and costs more re-reading. Two contenders that both take longer to show can slip past
    /// each other's checks; the duplicate is then found by the fleet audit, or by a sync of the agent that lists the account.
    /// </para>
    /// <para>
    /// <see cref="TimeSpan.Zero"/> turns the check off: only for a single instance whose state writes cannot fail, or when
    /// a duplicate is acceptable until a later sync of the agent (or the fleet audit) finds and deletes it.
    /// </para>
    /// </remarks>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ConvergenceWindow { get; set; } = DefaultConvergenceWindow;

    /// <summary>The default of <see cref="ConvergenceWindow"/>, also the lag a listing's completeness is judged with while the check is off.</summary>
    internal static readonly TimeSpan DefaultConvergenceWindow = TimeSpan.FromMilliseconds(250);
}
