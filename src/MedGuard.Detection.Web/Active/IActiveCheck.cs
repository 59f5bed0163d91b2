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

/// <summary>Metadata shared by the injection findings.</summary>
internal static class InjectionRefs
{
    public static readonly IReadOnlyList<string> InputValidation = ["8.1.4.4 d)", "L3-CES1-20"];
    public static readonly IReadOnlyList<string> HighRiskInput = ["6.4.3.3"];
}
