using System.Net;

namespace MedGuard.Domain.Scope;

/// <summary>
/// The port engine's first scope format, still accepted: UTF-8 text, one entry a line, <c>#</c> starts a comment.
/// <code>
/// 10.200.1.0/24                 # CIDR block
/// 10.200.2.7                    # one address
/// 10.200.3.10-10.200.3.20       # inclusive range
/// fd00:200:1::/120              # IPv6 works the same
/// pacs.hospital.example         # host name: resolved once, all its addresses are in scope
/// </code>
/// The same scope in the YAML format is these entries under <c>addresses:</c> and the names under <c>hosts:</c>.
/// </summary>
public static class LegacyPortScopeText
{
    public static AuthorizedScope Parse(string text, string source, Func<string, IPAddress[]> resolve)
    {
        var ranges = new List<AddressRange>();
        var names = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine;
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (AddressRange.TryParse(line, out var range))
            {
                ranges.Add(range);
                continue;
            }

            if (!HostName.IsValid(line))
            {
                throw new ScopeException($"{source}:{lineNumber}: 无法识别的授权范围条目 '{line}'（应为 IP、CIDR、地址区间或主机名）");
            }

            ranges.AddRange(ScopeFile.Resolve(line, source, lineNumber, resolve).Select(AddressRange.Single));
            names.Add(line);
        }

        if (ranges.Count == 0)
        {
            throw new ScopeException($"{source}: 授权范围为空，拒绝扫描");
        }

        return new AuthorizedScope(ranges, names);
    }
}
