using MedGuard.Detection.Web.Scanning;

namespace MedGuard.Detection.Web.Active;

/// <summary>An active check on one parameter. It reports only after a second, different request confirmed the first.</summary>
public interface IActiveCheck
{
    string RuleId { get; }

    /// <summary>Cheap pre-filter by parameter name and value (e.g. redirect checks only on URL-like parameters).</summary>
    bool Applies(ActiveProbe probe) => true;

    Task<WebFinding?> RunAsync(ActiveProbe probe, CancellationToken cancellationToken);
}

/// <summary>Metadata shared by the injection findings (data: Data/finding-refs.yaml, inputValidation).</summary>
internal static class InjectionRefs
{
    public static IReadOnlyList<string> InputValidation => FindingRefs.InputValidation.StandardRefs;

    public static IReadOnlyList<string> HighRiskInput => FindingRefs.InputValidation.HighRiskCases;
}
