namespace VapiSync.Client.Fleet;

/// <summary>One field where an assistant differs from its definition.</summary>
/// <param name="Path">The field's path, for example <c>firstMessage</c> or <c>model.messages</c>.</param>
/// <param name="Expected">The definition's value as JSON text; <see langword="null"/> when the definition does not have the field.</param>
/// <param name="Actual">Vapi's value as JSON text; <see langword="null"/> when the assistant does not have the field.</param>
public sealed record FleetFieldDifference(string Path, string? Expected, string? Actual);
