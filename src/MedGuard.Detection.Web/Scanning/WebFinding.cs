using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Findings;
using MedGuard.Domain.PersonalData;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>
/// A web finding: the shared <see cref="Finding"/> plus where on the site it is (URL, method, parameter) and how it was
/// shown (technique). Evidence always holds the raw request and response, with personal data masked.
/// </summary>
public sealed record WebFinding(Finding Finding, string Url, string Method, string? Parameter, string? Technique)
{
    public string RuleId => Finding.RuleId;

    public Severity Severity => Finding.Severity;

    public string Request => Finding.Evidence.GetValueOrDefault("request", "");

    public string Response => Finding.Evidence.GetValueOrDefault("response", "");

    public static WebFinding From(
        string ruleId,
        string title,
        Severity severity,
        HttpExchange proof,
        string? parameter = null,
        string? technique = null,
        string? cwe = null,
        IReadOnlyList<string>? standardRefs = null,
        IReadOnlyList<string>? highRiskCases = null,
        string? remediation = null,
        IReadOnlyDictionary<string, string>? extra = null,
        string? url = null)
    {
        // A path may carry an ID or card number itself (/patients/110101…/card): the location is masked like evidence.
        var at = url is null ? proof.Request.Url : new Uri(url);
        var place = WebTarget.FromUrl(at, parameter);
        place = place with { Path = PersonalDataScanner.Mask(place.Path), Method = proof.Request.Method };
        var target = place.Url;
        var evidence = new Dictionary<string, string>
        {
            ["request"] = PersonalDataScanner.Mask(proof.RawRequest),
            ["response"] = PersonalDataScanner.Mask(proof.RawResponse),
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            evidence[k] = PersonalDataScanner.Mask(v);
        }

        var locations = new List<string> { $"{proof.Request.Method} {target}" };
        if (parameter is not null)
        {
            locations.Add($"parameter:{parameter}");
        }

        var finding = new Finding
        {
            RuleId = ruleId,
            Title = title,
            Severity = severity,
            Target = place,
            Locations = locations,
            Evidence = evidence,
            Cwe = cwe,
            StandardRefs = standardRefs ?? [],
            HighRiskCases = highRiskCases ?? [],
            Remediation = remediation,
            Technique = technique,
        };
        return new WebFinding(finding, target, proof.Request.Method, parameter, technique);
    }
}
