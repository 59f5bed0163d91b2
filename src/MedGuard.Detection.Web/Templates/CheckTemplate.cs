using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Web.Templates;

/// <summary>
/// A check written as data (nuclei-style): requests to send, matchers that decide, extractors that pull out evidence,
/// and the finding's metadata. Bundled ones are embedded YAML; users may add their own from a folder.
/// </summary>
public sealed record CheckTemplate
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required Severity Severity { get; init; }
    public string? Cwe { get; init; }
    public IReadOnlyList<string> StandardRefs { get; init; } = [];
    public IReadOnlyList<string> HighRiskCases { get; init; } = [];
    public string? Remediation { get; init; }

    /// <summary>Where the template came from (embedded resource or file), for error messages.</summary>
    public required string Source { get; init; }

    /// <summary>Evaluated on every response the scan sees (crawl and checks), not only on its own requests.</summary>
    public bool Passive { get; init; }

    /// <summary>Only for these URL schemes (e.g. HSTS only over https).</summary>
    public IReadOnlyList<string> Schemes { get; init; } = ["http", "https"];

    /// <summary>Discard matches on responses that look like the site's "not found" page (soft 404).</summary>
    public bool Soft404 { get; init; }

    /// <summary>Report at most once per host (header checks) instead of once per URL.</summary>
    public bool OncePerHost { get; init; }

    public IReadOnlyList<TemplateRequest> Requests { get; init; } = [];
    public MatchCondition MatchersCondition { get; init; } = MatchCondition.Or;
    public required IReadOnlyList<Matcher> Matchers { get; init; }
    public IReadOnlyList<Extractor> Extractors { get; init; } = [];
    public IReadOnlyList<ResponseSample> PositiveExamples { get; init; } = [];
    public IReadOnlyList<ResponseSample> NegativeExamples { get; init; } = [];

    public bool Matches(ResponseSample response)
    {
        var results = Matchers.Select(m => m.Matches(response));
        return MatchersCondition == MatchCondition.And ? results.All(r => r) : results.Any(r => r);
    }

    public IReadOnlyList<string> Extract(ResponseSample response) =>
        [.. Extractors.SelectMany(e => e.Extract(response)).Distinct(StringComparer.Ordinal)];
}

public enum MatchCondition
{
    Or,
    And,
}

/// <summary>One request of a template. Paths starting with '/' are from the origin's root; {{BaseURL}} is the scan URL.</summary>
public sealed record TemplateRequest(string Method, IReadOnlyList<string> Paths)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public string? Body { get; init; }
    public string? ContentType { get; init; }

    /// <summary>Follow in-scope redirects and judge the page they end on (header checks on a start URL that redirects).</summary>
    public bool FollowRedirects { get; init; }
}

/// <summary>What a matcher sees: a live response or an example from the template file.</summary>
public sealed record ResponseSample(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public string HeaderBlock => string.Join("\n", Headers.Select(h => $"{h.Key}: {h.Value}"));
}
