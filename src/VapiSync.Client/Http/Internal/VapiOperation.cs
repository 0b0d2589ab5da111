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

    public static string Display(this VapiOperation operation) => operation switch
    {
        VapiOperation.Create => "POST /assistant",
        VapiOperation.Get => "GET /assistant/{id}",
        VapiOperation.Update => "PATCH /assistant/{id}",
        VapiOperation.Delete => "DELETE /assistant/{id}",
        _ => "GET /assistant",
    };
}
