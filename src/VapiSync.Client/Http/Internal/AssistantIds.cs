namespace VapiSync.Client.Http.Internal;

/// <summary>Vapi's assistant ids are UUIDs (<c>format: uuid</c> in its schema); anything else never reaches the network.</summary>
internal static class AssistantIds
{
    public static bool IsValid(string? assistantId) => Guid.TryParseExact(assistantId, "D", out _);

    public static void ThrowIfInvalid(string? assistantId, string field)
    {
        if (!IsValid(assistantId))
        {
            throw new VapiValidationException([$"{field}: '{Truncate(assistantId)}' is not a Vapi assistant id (a UUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6)."]);
        }
    }

    private static string Truncate(string? value) => value is null ? "(null)" : value.Length <= 64 ? value : value[..64] + "…";
}
