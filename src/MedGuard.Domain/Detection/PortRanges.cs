using System.Globalization;
using System.Text;

namespace MedGuard.Domain.Detection;

/// <summary>
/// A set of TCP ports written as canonical ranges, ascending and merged: <c>21-23,80,3389</c>. The form a run records
/// the ports it scanned in (<see cref="DetectionRun.PortsScanned"/>), whatever spec the user gave (top100, 1-1024…).
/// </summary>
public static class PortRanges
{
    public static string Canonical(IEnumerable<int> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var sorted = ports.Where(p => p is >= 1 and <= 65535).Distinct().Order().ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < sorted.Length;)
        {
            var start = sorted[i];
            var end = start;
            while (i + 1 < sorted.Length && sorted[i + 1] == end + 1)
            {
                end = sorted[++i];
            }

            i++;
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(start.ToString(CultureInfo.InvariantCulture));
            if (end != start)
            {
                text.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>Whether <paramref name="port"/> lies in the canonical ranges (an unreadable item contains nothing).</summary>
    public static bool Contains(string ranges, int port)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        foreach (var item in ranges.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = item.IndexOf('-');
            if (dash < 0)
            {
                if (int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var single) && single == port)
                {
                    return true;
                }

                continue;
            }

            if (int.TryParse(item.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var lo)
                && int.TryParse(item.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var hi)
                && port >= lo && port <= hi)
            {
                return true;
            }
        }

        return false;
    }
}
