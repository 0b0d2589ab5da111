using System.Globalization;

namespace VapiSync.Client.Dashboard.Internal;

/// <summary>The last hour as an inline SVG bar chart, one stacked bar per minute; no script, no external file.</summary>
internal static class OutcomeChart
{
    private const int Width = 600;
    private const int Height = 120;
    private const int Bar = Width / SyncOutcomeRecorder.WindowMinutes;

    public static RawHtml Render(IReadOnlyList<MinuteCounts> minutes)
    {
        var max = Math.Max(1, minutes.Max(m => m.Total));
        var written = minutes.Sum(m => m.Written);
        var unchanged = minutes.Sum(m => m.Unchanged);
        var failed = minutes.Sum(m => m.Failed);
        var html = new HtmlBuilder();
        var summary = string.Create(CultureInfo.InvariantCulture, $"Last 60 minutes: {written} written, {unchanged} unchanged, {failed} failed; tallest minute {max}.");
        html.Add($"<figure class=\"chart\"><svg role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 {Width} {Height + 14}\" width=\"{Width}\" height=\"{Height + 14}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-title\">{summary}</title>");
        html.Add($"<line x1=\"0\" y1=\"{Height}\" x2=\"{Width}\" y2=\"{Height}\" class=\"axis\"/>");
        for (var i = 0; i < minutes.Count; i++)
        {
            var minute = minutes[i];
            var y = (double)Height;
            Segment(html, i, minute.Written, max, ref y, "written");
            Segment(html, i, minute.Unchanged, max, ref y, "unchanged");
            Segment(html, i, minute.Failed, max, ref y, "failed");
        }

        html.Add($"<text x=\"0\" y=\"{Height + 12}\" class=\"label\">60 min ago</text><text x=\"{Width}\" y=\"{Height + 12}\" class=\"label end\">now</text></svg>");
        html.Add($"<figcaption><span class=\"key written\"></span>written <span class=\"key unchanged\"></span>unchanged <span class=\"key failed\"></span>failed — {summary}</figcaption></figure>");
        return html.ToRaw();
    }

    private static void Segment(HtmlBuilder html, int index, long count, long max, ref double y, string css)
    {
        if (count == 0)
        {
            return;
        }

        var height = Math.Max(1, Math.Round(count * (double)Height / max, 1));
        y -= height;
        html.Add($"<rect x=\"{index * Bar}\" y=\"{y:0.#}\" width=\"{Bar - 1}\" height=\"{height:0.#}\" class=\"{css}\"><title>{count} {css}</title></rect>");
    }
}
