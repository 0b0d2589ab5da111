namespace VapiSync.Client.Http.Internal;

/// <summary>The assistant operations, as low-cardinality names for logs, metrics and errors.</summary>
internal enum VapiOperation
{
    Create,
    Get,
    Update,
    Delete,
    List,
}

internal static class VapiOperationExtensions
{
    public static string Name(this VapiOperation operation) => operation switch
    {
        VapiOperation.Create => "create",
        VapiOperation.Get => "get",
        VapiOperation.Update => "update",
        VapiOperation.Delete => "delete",
        _ => "list",
    };

    /// <summary>The name of the request's activity; a constant, so starting one builds no string.</summary>
    public static string ActivityName(this VapiOperation operation) => operation switch
    {
        VapiOperation.Create => "vapi create",
        VapiOperation.Get => "vapi get",
        VapiOperation.Update => "vapi update",
        VapiOperation.Delete => "vapi delete",
        _ => "vapi list",
    };

    public static string Display(this VapiOperation operation) => operation switch
    {
        VapiOperation.Create => "POST /assistant",
        VapiOperation.Get => "GET /assistant/{id}",
        VapiOperation.Update => "PATCH /assistant/{id}",
        VapiOperation.Delete => "DELETE /assistant/{id}",
        _ => "GET /assistant",
    };
}
