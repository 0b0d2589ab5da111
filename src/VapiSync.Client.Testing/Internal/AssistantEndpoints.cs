using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace VapiSync.Client.Testing.Internal;

/// <summary>
/// Vapi's assistant routes for one authenticated account: <c>POST/GET /assistant</c> and
/// <c>GET/PATCH/DELETE /assistant/{id}</c>, bodies validated as Vapi validates them.
/// </summary>
internal sealed class AssistantEndpoints(FakeVapiStore store, bool validate = true)
{
    public VapiResponse Execute(string account, string method, string path, IQueryCollection query, string body)
    {
        var segments = path.Trim('/').Split('/');
        if (segments[0] != "assistant" || segments.Length > 2)
        {
            return VapiErrors.NotFound($"Cannot {method} {path}");
        }

        if (segments.Length == 1)
        {
            return method switch
            {
                "POST" => Create(account, body),
                "GET" => List(account, query),
                _ => VapiErrors.NotFound($"Cannot {method} {path}"),
            };
        }

        var id = segments[1];
        if (!Guid.TryParseExact(id, "D", out _))
        {
            return VapiErrors.BadRequest(["id must be a UUID"]);
        }

        return method switch
        {
            "GET" => store.Get(account, id) is { } found ? new VapiResponse(200, found) : VapiErrors.NotFound(),
            "PATCH" => Update(account, id, body),
            "DELETE" => Delete(account, id),
            _ => VapiErrors.NotFound($"Cannot {method} {path}"),
        };
    }

    private static List<string> NoChecks(JsonObject body) => [];

    private VapiResponse Create(string account, string body) =>
        TryParseBody(body, validate ? VapiRequestValidator.ValidateCreate : NoChecks, out var json, out var error)
            ? new VapiResponse(201, store.Create(account, json))
            : error;

    private VapiResponse Update(string account, string id, string body)
    {
        if (!TryParseBody(body, validate ? VapiRequestValidator.ValidateUpdate : NoChecks, out var json, out var error))
        {
            return error;
        }

        return store.Update(account, id, json) is { } updated ? new VapiResponse(200, updated) : VapiErrors.NotFound();
    }

    private VapiResponse Delete(string account, string id)
    {
        var (deleted, pinned) = store.Delete(account, id);
        if (pinned)
        {
            return VapiErrors.Pinned();
        }

        return deleted is not null ? new VapiResponse(200, deleted) : VapiErrors.NotFound();
    }

    private VapiResponse List(string account, IQueryCollection query)
    {
        var limit = 100;
        if (query.TryGetValue("limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > 1000))
        {
            return VapiErrors.BadRequest(["limit must not be greater than 1000", "limit must be a number conforming to the specified constraints"]);
        }

        var filters = new List<(string Field, Func<DateTimeOffset, bool> Test)>();
        foreach (var field in new[] { "createdAt", "updatedAt" })
        {
            foreach (var op in new[] { "Gt", "Lt", "Ge", "Le" })
            {
                if (!query.TryGetValue(field + op, out var text))
                {
                    continue;
                }

                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var bound))
                {
                    return VapiErrors.BadRequest([$"{field}{op} must be a valid ISO 8601 date string"]);
                }

                filters.Add((field, value => Compare(value, op, bound)));
            }
        }

        var page = store.List(account, filters, limit);
        return new VapiResponse(200, new JsonArray([.. page]));
    }

    private static bool Compare(DateTimeOffset value, string op, DateTimeOffset bound) => op switch
    {
        "Gt" => value > bound,
        "Lt" => value < bound,
        "Ge" => value >= bound,
        _ => value <= bound,
    };

    private static bool TryParseBody(string body, Func<JsonObject, List<string>> validate, out JsonObject json, out VapiResponse error)
    {
        json = null!;
        try
        {
            if (JsonNode.Parse(body) is JsonObject parsed)
            {
                json = parsed;
                var errors = validate(json);
                error = VapiErrors.BadRequest(errors);
                return errors.Count == 0;
            }
        }
        catch (JsonException)
        {
            // falls through to the 400 below
        }

        error = VapiErrors.BadRequest(["Unexpected token in JSON body"]);
        return false;
    }
}
