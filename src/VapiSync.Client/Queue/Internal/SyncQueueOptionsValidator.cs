using Microsoft.Extensions.Options;

namespace VapiSync.Client.Queue.Internal;

/// <summary>The data-annotation rules of <see cref="SyncQueueOptions"/>, source-generated (no reflection).</summary>
[OptionsValidator]
internal sealed partial class SyncQueueOptionsAnnotationsValidator : IValidateOptions<SyncQueueOptions>;

/// <summary>Rules that span fields; run at start-up with <c>ValidateOnStart</c>.</summary>
internal sealed class SyncQueueOptionsValidator : IValidateOptions<SyncQueueOptions>
{
    private readonly SyncQueueOptionsAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, SyncQueueOptions options)
    {
        var annotations = _annotations.Validate(name, options);
        if (annotations.Failed)
        {
            return annotations;
        }

        return options.InitialBackoff > options.MaxBackoff
            ? ValidateOptionsResult.Fail($"SyncQueue: InitialBackoff ({options.InitialBackoff}) cannot exceed MaxBackoff ({options.MaxBackoff}); raise MaxBackoff or lower InitialBackoff.")
            : ValidateOptionsResult.Success;
    }
}
