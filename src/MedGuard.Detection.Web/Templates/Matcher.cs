using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Templates;

public enum MatcherType
{
    Status,
    Word,
    Regex,
    Header,
    Size,
}

public enum MatchPart
{
    Body,
    Header,
    All,
}

/// <summary>
/// One test on a response. <c>header</c> matchers look at the values of one named header (any value matching counts;
/// with no words or regex, presence is the test); <c>negative</c> inverts the result.
/// </summary>
public sealed record Matcher
{
    /// <summary>Bounds regex work on hostile responses.</summary>
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public required MatcherType Type { get; init; }
    public MatchPart Part { get; init; } = MatchPart.Body;
    public MatchCondition Condition { get; init; } = MatchCondition.Or;
    public bool Negative { get; init; }
    public bool CaseInsensitive { get; init; }
    public IReadOnlyList<int> Status { get; init; } = [];
    public IReadOnlyList<string> Words { get; init; } = [];
    public IReadOnlyList<Regex> Regexes { get; init; } = [];
    public string? HeaderName { get; init; }
    public int? MinSize { get; init; }
    public int? MaxSize { get; init; }

    public bool Matches(ResponseSample r) => Evaluate(r) != Negative;

    private bool Evaluate(ResponseSample r)
    {
        switch (Type)
        {
            case MatcherType.Status:
                return Status.Contains(r.Status);
            case MatcherType.Size:
                var size = r.Body.Length;
                return (MinSize is null || size >= MinSize) && (MaxSize is null || size <= MaxSize);
            case MatcherType.Header:
                var values = r.HeaderValues(HeaderName!).ToList();
                if (values.Count == 0)
                {
                    return false;
                }

                return (Words.Count == 0 && Regexes.Count == 0) || values.Any(TextMatches);
            default:
                return TextMatches(Part switch
                {
                    MatchPart.Header => r.HeaderBlock,
                    MatchPart.All => r.HeaderBlock + "\n\n" + r.Body,
                    _ => r.Body,
                });
        }
    }

    private bool TextMatches(string text)
    {
        var comparison = CaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var tests = Words.Select(w => text.Contains(w, comparison))
            .Concat(Regexes.Select(x => SafeIsMatch(x, text)));
        return Condition == MatchCondition.And ? tests.All(t => t) : tests.Any(t => t);
    }

    private static bool SafeIsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}

/// <summary>Pulls a value out of a matching response for the evidence: a header's value or a regex group.</summary>
public sealed record Extractor
{
    public string? HeaderName { get; init; }
    public Regex? Regex { get; init; }
    public int Group { get; init; }
    public MatchPart Part { get; init; } = MatchPart.Body;

    public IEnumerable<string> Extract(ResponseSample r)
    {
        if (HeaderName is not null)
        {
            foreach (var v in r.HeaderValues(HeaderName))
            {
                yield return $"{HeaderName}: {CredentialRedaction.HeaderValue(HeaderName, v)}";
            }

            yield break;
        }

        if (Regex is null)
        {
            yield break;
        }

        var text = Part == MatchPart.Header ? r.HeaderBlock : Part == MatchPart.All ? r.HeaderBlock + "\n\n" + r.Body : r.Body;
        MatchCollection matches;
        try
        {
            matches = Regex.Matches(text);
            _ = matches.Count;
        }
        catch (RegexMatchTimeoutException)
        {
            yield break;
        }

        foreach (Match m in matches.Take(5))
        {
            yield return m.Groups[Group].Value.Trim();
        }
    }
}
