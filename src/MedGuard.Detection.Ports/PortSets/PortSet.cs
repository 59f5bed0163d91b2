using System.Globalization;

namespace MedGuard.Detection.Ports.PortSets;

/// <summary>
/// The ports to scan, from a spec such as <c>22,80,443</c>, <c>1-1024,3389</c>, <c>top100</c> or <c>-</c> (all 65535).
/// Order is kept (top-N ranking first), duplicates dropped.
/// </summary>
public sealed class PortSet
{
    private PortSet(int[] ports) => Ports = ports;

    public IReadOnlyList<int> Ports { get; }

    public int Count => Ports.Count;

    public static PortSet Of(params int[] ports) => Parse(string.Join(',', ports));

    public static PortSet Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ordered = new List<int>();
        var seen = new bool[65536];
        void Add(int p)
        {
            if (!seen[p])
            {
                seen[p] = true;
                ordered.Add(p);
            }
        }

        foreach (var raw in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var item = raw.ToLowerInvariant();
            if (item is "-" or "all")
            {
                for (var p = 1; p <= 65535; p++)
                {
                    Add(p);
                }

                continue;
            }

            if (item.StartsWith("top", StringComparison.Ordinal))
            {
                var n = ParseNumber(item[3..].TrimStart(':', '-'), raw, 1, int.MaxValue);
                foreach (var p in TopPorts.Take(n))
                {
                    Add(p);
                }

                continue;
            }

            var dash = item.IndexOf('-');
            if (dash >= 0)
            {
                var lo = dash == 0 ? 1 : ParseNumber(item[..dash], raw, 1, 65535);
                var hi = dash == item.Length - 1 ? 65535 : ParseNumber(item[(dash + 1)..], raw, 1, 65535);
                if (lo > hi)
                {
                    throw new FormatException($"端口区间 '{raw}' 起点大于终点");
                }

                for (var p = lo; p <= hi; p++)
                {
                    Add(p);
                }

                continue;
            }

            Add(ParseNumber(item, raw, 1, 65535));
        }

        if (ordered.Count == 0)
        {
            throw new FormatException($"端口列表 '{spec}' 为空");
        }

        return new PortSet([.. ordered]);
    }

    private static int ParseNumber(string text, string item, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new FormatException($"无效的端口 '{item}'（应为 {min}–{Math.Min(max, 65535)} 的数字、区间 A-B、topN 或 -）");
        }

        return n;
    }
}
