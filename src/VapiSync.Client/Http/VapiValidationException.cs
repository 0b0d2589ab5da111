namespace VapiSync.Client.Http;

/// <summary>
/// The input cannot be sent to Vapi (a name longer than Vapi allows, a voice without a provider, an id that is not a UUID, ...).
/// Raised before any network call: nothing was sent and nothing was stored.
/// </summary>
public sealed class VapiValidationException : VapiSyncException
{
    /// <summary>Initializes a new instance of the <see cref="VapiValidationException"/> class.</summary>
    /// <param name="errors">One entry per problem, each naming the field (for example <c>Assistant.Name: ...</c>).</param>
    public VapiValidationException(IReadOnlyList<string> errors)
        : base("The assistant cannot be sent to Vapi: " + string.Join("; ", errors ?? []), VapiErrorCodes.ValidationFailed)
    {
        Errors = errors ?? [];
    }

    /// <summary>Gets one entry per problem, each naming the field.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Gets a value that is always <see langword="false"/>: the same input fails the same way.</summary>
    public override bool IsTransient => false;
}
