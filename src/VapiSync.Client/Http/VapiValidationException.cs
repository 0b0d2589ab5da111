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
        : this(Parse(errors))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="VapiValidationException"/> class.</summary>
    /// <param name="errors">One entry per problem: the field and what is wrong with it.</param>
    public VapiValidationException(IReadOnlyList<VapiValidationError> errors)
        : base("The assistant cannot be sent to Vapi: " + string.Join("; ", Bounded(errors)), VapiErrorCodes.ValidationFailed)
    {
        ValidationErrors = Bounded(errors);
        Errors = [.. ValidationErrors.Select(e => e.ToString())];
    }

    /// <summary>Gets one entry per problem, each naming the field (<c>Field: message</c>).</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Gets one entry per problem, with the field and the message apart.</summary>
    public IReadOnlyList<VapiValidationError> ValidationErrors { get; }

    /// <summary>Gets a value that is always <see langword="false"/>: the same input fails the same way.</summary>
    public override bool IsTransient => false;

    private static VapiValidationError[] Parse(IReadOnlyList<string>? errors) =>
        [.. (errors ?? []).Select(e =>
        {
            var text = e ?? string.Empty;
            var colon = text.IndexOf(": ", StringComparison.Ordinal);
            return colon > 0 && colon <= 100 ? new VapiValidationError(text[..colon], text[(colon + 2)..]) : new VapiValidationError(string.Empty, text);
        })];

    private static VapiValidationError[] Bounded(IReadOnlyList<VapiValidationError>? errors) =>
        [.. (errors ?? []).Where(e => e is not null).Select(e => new VapiValidationError(VapiValidationError.Bound(e.Field), VapiValidationError.Bound(e.Message)))];
}
