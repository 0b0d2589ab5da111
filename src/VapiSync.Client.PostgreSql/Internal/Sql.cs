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

    /// <summary>Whether PostgreSQL's <c>text</c> can hold <paramref name="value"/>: no NUL, no lone surrogate (a statement carrying one fails whole).</summary>
    public static bool IsStorable(string? value)
    {
        if (value is null)
        {
            return true;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();
}
