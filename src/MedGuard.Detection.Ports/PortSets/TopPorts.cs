namespace MedGuard.Detection.Ports.PortSets;

/// <summary>
/// Ports in the order they are worth trying on a hospital network (embedded <c>Data/top-ports.txt</c>): PACS and HL7,
/// remote maintenance, databases and caches, shares, middleware first; the rest by commonness.
/// </summary>
public static class TopPorts
{
    private static readonly Lazy<IReadOnlyList<int>> Ordered = new(Load);

    public static IReadOnlyList<int> All => Ordered.Value;

    public static IReadOnlyList<int> Take(int n)
    {
        if (n < 1 || n > All.Count)
        {
            throw new FormatException($"top{n} 超出范围：端口排序数据共 {All.Count} 个端口");
        }

        return All.Take(n).ToArray();
    }

    private static List<int> Load()
    {
        using var stream = typeof(TopPorts).Assembly.GetManifestResourceStream("MedGuard.Detection.Ports.Data.top-ports.txt")
            ?? throw new InvalidDataException("缺少内嵌资源 top-ports.txt");
        using var reader = new StreamReader(stream);
        var ports = new List<int>();
        var seen = new HashSet<int>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Split('#')[0].Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (!int.TryParse(text, out var port) || port is < 1 or > 65535)
            {
                throw new InvalidDataException($"top-ports.txt:{lineNumber}: 无效端口 '{text}'");
            }

            if (!seen.Add(port))
            {
                throw new InvalidDataException($"top-ports.txt:{lineNumber}: 端口 {port} 重复");
            }

            ports.Add(port);
        }

        return ports;
    }
}
