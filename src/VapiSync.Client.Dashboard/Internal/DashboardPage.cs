using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>One page being rendered: links relative to the mount point, the antiforgery token for its forms, the layout.</summary>
internal sealed class DashboardPage
{
    private static readonly (string Path, string Label)[] Navigation =
        [("/", "Overview"), ("/agents", "Agents"), ("/queue", "Queue"), ("/audit", "Audit")];

    private readonly AntiforgeryTokenSet _tokens;
    private readonly Notice? _notice;
    private readonly string _mount;

    public DashboardPage(HttpContext http, string basePath)
    {
        Http = http;
        _mount = basePath;
        BasePath = http.Request.PathBase.Add(basePath).Value ?? basePath;
        Services = http.RequestServices;
        Options = Services.GetRequiredService<IOptions<VapiSyncDashboardOptions>>().Value;
        _tokens = Services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        _notice = Services.GetRequiredService<Notices>().Take(http.Request.Query["notice"]);
    }

    public HttpContext Http { get; }

    public IServiceProvider Services { get; }

    public VapiSyncDashboardOptions Options { get; }

    public string BasePath { get; }

    public CancellationToken Aborted => Http.RequestAborted;

    public string Url(string path) => BasePath + path;

    public string? Query(string name) => Http.Request.Query[name] is { Count: > 0 } values && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;

    /// <summary>A POST form with its antiforgery token, hidden fields and one button per (label, name, value).</summary>
    public RawHtml Form(string action, IEnumerable<(string Name, string Value)> fields, params (string Label, string? Name, string? Value)[] buttons)
    {
        var html = new HtmlBuilder();
        html.Add($"<form method=\"post\" action=\"{Url(action)}\" class=\"inline\">{Token()}");
        foreach (var (name, value) in fields)
        {
            html.Add($"<input type=\"hidden\" name=\"{name}\" value=\"{value}\">");
        }

        foreach (var (label, name, value) in buttons)
        {
            if (name is null)
            {
                html.Add($"<button type=\"submit\">{label}</button>");
            }
            else
            {
                html.Add($"<button type=\"submit\" name=\"{name}\" value=\"{value}\">{label}</button>");
            }
        }

        html.Add($"</form>");
        return html.ToRaw();
    }

    public RawHtml Token()
    {
        var html = new HtmlBuilder();
        html.Add($"<input type=\"hidden\" name=\"{_tokens.FormFieldName}\" value=\"{_tokens.RequestToken}\">");
        return html.ToRaw();
    }

    public IResult Render(string title, RawHtml content, string? statusUrl = null)
    {
        var html = new HtmlBuilder();
        html.Add($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · {Options.Title}</title>
            <link rel="stylesheet" href="{Url("/assets/dashboard.css")}">
            <script src="{Url("/assets/dashboard.js")}" defer></script>
            """);
        if (statusUrl is not null)
        {
            html.Add($"<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>");
        }

        html.Add($"""
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header><span class="brand">{Options.Title}</span><nav aria-label="Dashboard"><ul>
            """);
        var current = (Http.Request.Path.Value ?? string.Empty).TrimEnd('/');
        current = current.StartsWith(_mount, StringComparison.Ordinal) ? current[_mount.Length..] : current;
        foreach (var (path, label) in Navigation)
        {
            var isCurrent = path == "/" ? current.Length == 0 : current.StartsWith(path, StringComparison.Ordinal);
            if (isCurrent)
            {
                html.Add($"<li><a href=\"{Url(path)}\" aria-current=\"page\">{label}</a></li>");
            }
            else
            {
                html.Add($"<li><a href=\"{Url(path)}\">{label}</a></li>");
            }
        }

        html.Add($"</ul></nav></header>\n<main id=\"main\"><h1>{title}</h1>\n");
        if (_notice is not null)
        {
            if (_notice.IsError)
            {
                html.Add($"<p class=\"notice error\" role=\"alert\">{_notice.Text}</p>\n");
            }
            else
            {
                html.Add($"<p class=\"notice\" role=\"status\">{_notice.Text}</p>\n");
            }
        }

        html.Add($"{content}\n</main>\n<footer>VapiSync.Client dashboard · API keys are never shown, only their fingerprints.</footer>\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    /// <summary>A query string of the parameters that have a value.</summary>
    public static string QueryOf(params (string Name, string? Value)[] parameters) =>
        QueryString.Create(parameters.Where(p => p.Value is not null).Select(p => new KeyValuePair<string, string?>(p.Name, p.Value))).ToUriComponent();

    public static string Age(TimeSpan age) => age switch
    {
        { TotalSeconds: < 1 } => "just now",
        { TotalMinutes: < 1 } => $"{(int)age.TotalSeconds} s",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes} min",
        { TotalDays: < 1 } => $"{(int)age.TotalHours} h {age.Minutes} min",
        _ => $"{(int)age.TotalDays} d {age.Hours} h",
    };

    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "—";
}
