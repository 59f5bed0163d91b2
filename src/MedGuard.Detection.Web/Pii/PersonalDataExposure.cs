using System.Globalization;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;
using MedGuard.Domain.PersonalData;

namespace MedGuard.Detection.Web.Pii;

/// <summary>
/// Turns personal data found in a response into a finding (个人信息泄露), with masked samples only. Resident IDs or bank
/// cards make it 高 (the seed's HIS screen); mobile numbers alone count only when several appear (a hospital's own
/// hotline is not a leak).
/// </summary>
public static class PersonalDataExposure
{
    public const string RuleId = "pii-exposure";

    public static WebFinding? Evaluate(HttpExchange exchange)
    {
        if (exchange.Failed || !exchange.IsText || exchange.Status is < 200 or >= 300)
        {
            return null;
        }

        var hits = PersonalDataScanner.Find(exchange.Body);
        if (hits.Count == 0)
        {
            return null;
        }

        var ids = hits.Where(h => h.Kind == PersonalDataKind.ResidentId).Select(h => h.Masked).Distinct().ToList();
        var cards = hits.Where(h => h.Kind == PersonalDataKind.BankCard).Select(h => h.Masked).Distinct().ToList();
        var mobiles = hits.Where(h => h.Kind == PersonalDataKind.Mobile).Select(h => h.Masked).Distinct().ToList();
        var names = hits.Where(h => h.Kind == PersonalDataKind.Name).Select(h => h.Masked).Distinct().ToList();
        Severity severity;
        if (ids.Count > 0 || cards.Count > 0)
        {
            severity = Severity.High;
        }
        else if (mobiles.Count >= 3)
        {
            severity = Severity.Medium;
        }
        else
        {
            return null;
        }

        string Sample(List<string> list) => string.Join("、", list.Take(3)) + (list.Count > 3 ? " …" : "");
        var parts = new List<string>();
        if (ids.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"身份证号 {ids.Count} 个（{Sample(ids)}）"));
        }

        if (cards.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"银行卡号 {cards.Count} 个（{Sample(cards)}）"));
        }

        if (mobiles.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"手机号 {mobiles.Count} 个（{Sample(mobiles)}）"));
        }

        if (names.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"相邻姓名 {names.Count} 个（{Sample(names)}）"));
        }

        return WebFinding.From(RuleId, "个人信息泄露", severity, exchange, technique: "pii", cwe: "CWE-359",
            standardRefs: FindingRefs.PersonalData.StandardRefs, highRiskCases: FindingRefs.PersonalData.HighRiskCases,
            remediation: "页面与接口只返回业务必需的个人信息，身份证号、银行卡号、手机号脱敏显示，并校验访问者的权限。",
            extra: new Dictionary<string, string> { ["personalData"] = string.Join("；", parts) });
    }
}
