using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace VapiSync.Client.Http.Internal;

/// <summary>
/// Walks every assistant of an account (or of a <c>createdAt</c> window) with nothing but Vapi's list parameters:
/// <c>limit</c> and the <c>createdAt</c>/<c>updatedAt</c> <c>Ge</c>/<c>Le</c> filters. Vapi has no offset and no cursor,
/// so a page that comes back full only says "there may be more in this range"; the walk then narrows the range.
/// </summary>
/// <remarks>
/// <para>
/// Ranges are closed intervals of whole milliseconds (Vapi's timestamp precision). A full page splits its range at its
/// oldest item: the walk goes on below it (<c>createdAtLe</c>, ties read again and dropped by id) and checks above it
/// with a page one larger than what the full page held there — short (so complete) when Vapi lists newest first, full
/// (so split again) when it lists in any other order. A page that itself came back newest first needs no proof (the
/// server sorted, then limited), so Vapi's likely order costs one request per page; other orders pay the proof.
/// </para>
/// <para>
/// Ties: a full page whose items all share one <c>createdAt</c> is followed by a walk of that single millisecond split
/// by <c>updatedAt</c> (at the host's page size). Only a cell of assistants sharing both timestamps to the millisecond
/// is re-read with Vapi's maximum <c>limit</c> (1000); a cell that still comes back full cannot be enumerated through
/// Vapi's API at all — <see cref="Incomplete"/> counts those, and callers log it.
/// </para>
/// </remarks>
internal sealed class AssistantListWalk
{
    /// <summary>Vapi's largest <c>limit</c>.</summary>
    public const int MaxLimit = 1000;

    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    private readonly Func<string, CancellationToken, Task<List<VapiAssistant>>> _getPage;
    private readonly int _limit;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public AssistantListWalk(Func<string, CancellationToken, Task<List<VapiAssistant>>> getPage, int limit)
    {
        _getPage = getPage;
        _limit = Math.Clamp(limit, 1, MaxLimit);
    }

    /// <summary>Gets how many cells of identical timestamps came back full even at the maximum limit (items may be missing there).</summary>
    public int Incomplete { get; private set; }

    /// <summary>Gets how many list requests the walk made.</summary>
    public int Requests { get; private set; }

    /// <summary>Yields every assistant created in [<paramref name="createdAtGe"/>, <paramref name="createdAtLe"/>] (unbounded where null), each once.</summary>
    public async IAsyncEnumerable<VapiAssistant> WalkAsync(
        DateTimeOffset? createdAtGe, DateTimeOffset? createdAtLe, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pending = new Stack<Cell>();
        pending.Push(new Cell(ToMs(createdAtGe), ToMsCeiling(createdAtLe), null, null, _limit));
        while (pending.TryPop(out var cell))
        {
            Requests++;
            var page = await _getPage(cell.Query(), cancellationToken).ConfigureAwait(false);
            foreach (var assistant in page)
            {
                if (assistant is not null && _seen.Add(assistant.Id))
                {
                    yield return assistant;
                }
            }

            if (page.Count >= cell.Limit)
            {
                Split(cell, page, pending);
            }
        }
    }

    private void Split(Cell cell, List<VapiAssistant> page, Stack<Cell> pending)
    {
        var created = page.Where(a => a is not null).Select(a => Ms(a.CreatedAt)).ToList();
        if (created.Count == 0)
        {
            return;
        }

        if (cell.CreatedLo is { } lo && lo == cell.CreatedHi)
        {
            SplitTies(cell, page, pending);
            return;
        }

        var (min, max) = (created.Min(), created.Max());
        if (min == max)
        {
            // More assistants share this millisecond than one page holds: walk it on its own, then the rest of the range
            // on both sides (a page of ties says nothing about the order of the rest).
            Push(pending, new Cell(cell.CreatedLo, min - 1, null, null, _limit));
            Push(pending, new Cell(min + 1, cell.CreatedHi, null, null, _limit));
            Push(pending, new Cell(min, min, null, null, _limit));
            return;
        }

        // Go on below the page's oldest item (ties at it are read again and dropped by id), and prove that the page
        // held everything above it: asking for one more than it held there comes back short when Vapi lists newest
        // first, and full (then split further) when it does not.
        Push(pending, new Cell(cell.CreatedLo, min, null, null, _limit));

        // A page that came back newest first is the top of its range (a server sorts, then limits): everything above its
        // oldest item is in it, so the proof is skipped. That keeps Vapi's likely order at one request per 1,000
        // assistants; any other order (ascending, unordered) still gets the proof.
        if (!IsNewestFirst(created))
        {
            var above = created.Count(c => c > min);
            Push(pending, new Cell(min + 1, cell.CreatedHi, null, null, Math.Min(_limit, above + 1)));
        }
    }

    /// <summary>
    /// Whether the page is evidently sorted newest first: non-increasing <c>createdAt</c> over at least
    /// <see cref="MinDistinctForOrder"/> distinct values, so a page in another order (by id, say) passes by chance with a
    /// probability below 1/8! (2.5e-5). Smaller pages always get the proof.
    /// </summary>
    private static bool IsNewestFirst(List<long> created)
    {
        var distinct = 1;
        for (var i = 1; i < created.Count; i++)
        {
            if (created[i] > created[i - 1])
            {
                return false;
            }

            if (created[i] != created[i - 1])
            {
                distinct++;
            }
        }

        return distinct >= MinDistinctForOrder;
    }

    private const int MinDistinctForOrder = 8;

    private void SplitTies(Cell cell, List<VapiAssistant> page, Stack<Cell> pending)
    {
        var updated = page.Where(a => a is not null).Select(a => Ms(a.UpdatedAt)).ToList();
        var (min, max) = (updated.Min(), updated.Max());
        if (cell.UpdatedLo is { } lo && lo == cell.UpdatedHi)
        {
            // Identical createdAt and updatedAt: no filter can tell them apart; only a larger page can.
            if (cell.Limit < MaxLimit)
            {
                Push(pending, cell with { Limit = MaxLimit });
            }
            else
            {
                Incomplete++;
            }

            return;
        }

        if (min == max)
        {
            Push(pending, cell with { UpdatedLo = cell.UpdatedLo, UpdatedHi = min - 1, Limit = _limit });
            Push(pending, cell with { UpdatedLo = min + 1, UpdatedHi = cell.UpdatedHi, Limit = _limit });
            Push(pending, cell with { UpdatedLo = min, UpdatedHi = min, Limit = _limit });
            return;
        }

        foreach (var (partLo, partHi) in Parts(cell.UpdatedLo, cell.UpdatedHi, min, max))
        {
            Push(pending, cell with { UpdatedLo = partLo, UpdatedHi = partHi, Limit = _limit });
        }
    }

    /// <summary>Below the page, the page's span in two halves, above the page: every part strictly smaller than the range.</summary>
    private static IEnumerable<(long? Lo, long? Hi)> Parts(long? lo, long? hi, long min, long max)
    {
        var mid = min + ((max - min) / 2);
        yield return (lo, min - 1);
        yield return (min, mid);
        yield return (mid + 1, max);
        yield return (max + 1, hi);
    }

    private static void Push(Stack<Cell> pending, Cell cell)
    {
        if (cell.CreatedLo is { } clo && cell.CreatedHi is { } chi && clo > chi)
        {
            return;
        }

        if (cell.UpdatedLo is { } ulo && cell.UpdatedHi is { } uhi && ulo > uhi)
        {
            return;
        }

        pending.Push(cell);
    }

    private static long Ms(DateTimeOffset value) => Math.Max(0, (value - Epoch).Ticks / TimeSpan.TicksPerMillisecond);

    private static long? ToMs(DateTimeOffset? value) => value is { } v ? Ms(v) : null;

    private static long? ToMsCeiling(DateTimeOffset? value) =>
        value is { } v ? ((v - Epoch).Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond : null;

    private static string Format(long ms) =>
        Epoch.AddMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed record Cell(long? CreatedLo, long? CreatedHi, long? UpdatedLo, long? UpdatedHi, int Limit)
    {
        public string Query()
        {
            var query = new StringBuilder("assistant?limit=").Append(Limit.ToString(CultureInfo.InvariantCulture));
            Append(query, "createdAtGe", CreatedLo);
            Append(query, "createdAtLe", CreatedHi);
            Append(query, "updatedAtGe", UpdatedLo);
            Append(query, "updatedAtLe", UpdatedHi);
            return query.ToString();
        }

        private static void Append(StringBuilder query, string name, long? ms)
        {
            if (ms is { } value)
            {
                query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(Format(value)));
            }
        }
    }
}
