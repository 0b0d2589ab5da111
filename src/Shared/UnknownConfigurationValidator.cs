using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace VapiSync.Client.Shared;

/// <summary>
/// Fails start-up when the bound section holds a key no setting has (a misspelled <c>MaxDegreOfParallelism</c> would
/// otherwise be ignored silently and the default used). The section is bound again with
/// <see cref="BinderOptions.ErrorOnUnknownConfiguration"/>, leaving out the child sections other registrations bind
/// (the queue's <c>PostgreSql</c>), and the binder's error becomes an options validation failure that names the key.
/// </summary>
/// <remarks>
/// Shared source: compiled into each package that binds configuration (an internal type of each), so the packages share
/// no internals.
/// </remarks>
internal sealed class UnknownConfigurationValidator<TOptions>(IConfiguration configuration, params string[] childSections) : IValidateOptions<TOptions>
    where TOptions : class, new()
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (name != Options.DefaultName)
        {
            return ValidateOptionsResult.Skip;
        }

        var own = configuration.AsEnumerable(makePathsRelative: true)
            .Where(setting => !childSections.Any(child => setting.Key.Equals(child, StringComparison.OrdinalIgnoreCase)
                || setting.Key.StartsWith(child + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase)));
        try
        {
            new ConfigurationBuilder().AddInMemoryCollection(own).Build().Bind(new TOptions(), o => o.ErrorOnUnknownConfiguration = true);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException ex)
        {
            var section = configuration is IConfigurationSection { Path: var path } ? $"'{path}'" : "the configuration";
            return ValidateOptionsResult.Fail($"{section} holds a key that is no setting of {typeof(TOptions).Name}; check its spelling. {ex.Message}");
        }
    }
}
