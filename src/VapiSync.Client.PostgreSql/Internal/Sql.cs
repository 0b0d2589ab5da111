using System.Text.RegularExpressions;

namespace VapiSync.Client.PostgreSql.Internal;

/// <summary>Schema and table names cannot be parameters: they are checked against a strict pattern, then quoted.</summary>
internal static partial class Sql
{
    public static string Identifier(string name)
    {
        if (name is null || !IdentifierPattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid PostgreSQL identifier here (letters, digits, underscore; at most 63; not starting with a digit).", nameof(name));
        }

        return "\"" + name + "\"";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
