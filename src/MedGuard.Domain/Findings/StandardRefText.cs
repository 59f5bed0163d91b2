namespace MedGuard.Domain.Findings;

/// <summary>
/// Finds the <c>standardRefs</c> lists in rule data as written — YAML (<c>standardRefs: [L3-CES1-17]</c> or a block
/// list under it) or JSON (<c>"standardRefs": ["L3-CES1-18"]</c>) — with the line of each code, and tells a GB/T 28448
/// unit code by its shape. Every detector's data cites the standard this one way.
/// </summary>
public static class StandardRefText
{
    private const string Key = "standardRefs";

    /// <summary>L1–L4, a category code and its extension digit, two digits: L3-CES1-17, L2-MMS1-03.</summary>
    public static bool IsUnitCode(string code)
    {
        if (code.Length != 10 || code[0] != 'L' || code[1] is < '1' or > '4' || code[2] != '-' || code[7] != '-')
        {
            return false;
        }

        return code.AsSpan(3, 3) is "PES" or "CNS" or "ABS" or "CES" or "SMC" or "PSS" or "ORS" or "HRS" or "CMS" or "MMS"
            && code[6] is >= '1' and <= '6' && char.IsAsciiDigit(code[8]) && char.IsAsciiDigit(code[9]);
    }

    public static IEnumerable<StandardRefSite> Scan(string file, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var at = line.IndexOf(Key, StringComparison.Ordinal);
            if (at < 0 || line.TrimStart().StartsWith('#') || line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[(at + Key.Length)..].TrimStart('"', '\'').TrimStart();
            if (!rest.StartsWith(':'))
            {
                continue;
            }

            rest = StripComment(rest[1..]).Trim();
            if (rest.StartsWith('['))
            {
                // A flow list, possibly over several lines: items up to the closing bracket.
                var lineNo = i;
                var body = rest[1..];
                while (true)
                {
                    var close = body.IndexOf(']');
                    foreach (var item in (close >= 0 ? body[..close] : body).Split(','))
                    {
                        if (Unquote(item) is { Length: > 0 } code)
                        {
                            yield return new StandardRefSite(file, lineNo + 1, code);
                        }
                    }

                    if (close >= 0 || ++lineNo >= lines.Length)
                    {
                        break;
                    }

                    body = StripComment(lines[lineNo]);
                }

                i = lineNo;
            }
            else if (rest.Length == 0)
            {
                // A YAML block list: "- code" lines below the key.
                while (i + 1 < lines.Length && StripComment(lines[i + 1]).Trim() is var next && (next.StartsWith('-') || next.Length == 0))
                {
                    i++;
                    if (next.Length > 0 && Unquote(next[1..]) is { Length: > 0 } code)
                    {
                        yield return new StandardRefSite(file, i + 1, code);
                    }
                }
            }
            else
            {
                yield return new StandardRefSite(file, i + 1, Unquote(rest));
            }
        }
    }

    private static string StripComment(string text)
    {
        var hash = text.IndexOf(" #", StringComparison.Ordinal);
        var slashes = text.IndexOf(" //", StringComparison.Ordinal);
        var cut = hash < 0 ? slashes : slashes < 0 ? hash : Math.Min(hash, slashes);
        return cut >= 0 ? text[..cut] : text;
    }

    private static string Unquote(string item) => item.Trim().Trim('"', '\'').Trim();
}
