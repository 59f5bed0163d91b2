using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Standards.Yaml;

namespace MedGuard.Standards.Assessment;

public enum ConclusionTemplate
{
    Template2025,
    Template2021,
}

/// <summary>The result of scoring one assessment: per-category rates, the overall figure, the conclusion, and what to fix.</summary>
public sealed record AssessmentConclusion(
    ConclusionTemplate Template,
    string TemplateName,
    int Level,
    double ConformityRate,          // 符合率 (0–100)
    double? ComprehensiveScore,     // 综合得分 (2021 only)
    string Conclusion,
    int MajorHazards,
    IReadOnlyList<CategoryConformity> Categories,
    IReadOnlyList<AssessedItem> Rectification,
    IReadOnlyList<string> Reasons);

public sealed record CategoryConformity(string Category, int Items, int Conforming, int Partial, int NonConforming, int NotApplicable, double Rate);

/// <summary>
/// Scores results under the 2025 template (符合 / 基本符合 / 不符合 by 符合率 and 重大风险隐患) or the legacy 2021
/// template (综合得分, 优/良/中/差). Thresholds and credits come from Assessment/Data/conclusion.yaml.
/// </summary>
public sealed class ConclusionPolicy
{
    private static readonly Lazy<ConclusionPolicy> Embedded =
        new(() => Parse(EmbeddedData.Read("assessment/conclusion.yaml"), "assessment/conclusion.yaml"));

    public static ConclusionPolicy Default => Embedded.Value;

    private IReadOnlyDictionary<ItemResultValue, double> credit = new Dictionary<ItemResultValue, double>();
    private string name2025 = "";
    private double conformingAbove;
    private double basicAtLeast;
    private string majorHazardResult = "不符合";
    private string name2021 = "";
    private IReadOnlyDictionary<string, double> weights = new Dictionary<string, double>();
    private string defaultImportance = "";
    private IReadOnlyList<(string Name, double MinScore, Severity MaxRisk)> grades = [];

    public static ConclusionTemplate ParseTemplate(string? text) => text?.Trim() switch
    {
        null or "" or "2025" => ConclusionTemplate.Template2025,
        "2021" => ConclusionTemplate.Template2021,
        _ => throw new FormatException($"未知的结论模板 '{text}'（应为 2025 或 2021）"),
    };

    /// <summary>
    /// 符合率 = Σ credit(result) / number of applicable items × 100, with 符合 1, 部分符合 0.5, 不符合 0 and 不适用
    /// excluded (our documented choice; see docs/assessment-scoring.md). An assessment with no applicable item has no rate.
    /// </summary>
    public double ConformityRate(IEnumerable<AssessedItem> items)
    {
        var applicable = items.Where(i => i.Result != ItemResultValue.NotApplicable).ToList();
        return applicable.Count == 0 ? 100.0 : 100.0 * applicable.Sum(i => credit[i.Result]) / applicable.Count;
    }

    /// <summary>综合得分 = 100 × Σ(weight × credit) / Σ weight over applicable items (2021 template, our reading).</summary>
    public double ComprehensiveScore(IEnumerable<AssessedItem> items)
    {
        var applicable = items.Where(i => i.Result != ItemResultValue.NotApplicable).ToList();
        if (applicable.Count == 0)
        {
            return 100.0;
        }

        double Weight(AssessedItem i)
        {
            var importance = i.Importance ?? defaultImportance;
            return weights.TryGetValue(importance, out var w) ? w : throw new FormatException($"{i.Item.Code}: 未知的重要程度 '{importance}'（应为 {string.Join("/", weights.Keys)}）");
        }

        return 100.0 * applicable.Sum(i => Weight(i) * credit[i.Result]) / applicable.Sum(Weight);
    }

    public AssessmentConclusion Conclude(int level, IReadOnlyList<AssessedItem> items, ConclusionTemplate template)
    {
        var rate = Math.Round(ConformityRate(items), 2);
        var hazards = items.Count(i => i.MajorHazard);
        var categories = items
            .GroupBy(i => i.Item.Category)
            .OrderBy(g => g.Key.Order)
            .Select(g => new CategoryConformity(
                g.Key.Name,
                g.Count(),
                g.Count(i => i.Result == ItemResultValue.Conforming),
                g.Count(i => i.Result == ItemResultValue.PartiallyConforming),
                g.Count(i => i.Result == ItemResultValue.NonConforming),
                g.Count(i => i.Result == ItemResultValue.NotApplicable),
                Math.Round(ConformityRate(g), 2)))
            .ToList();
        var rectification = items
            .Where(i => i.Result is ItemResultValue.NonConforming or ItemResultValue.PartiallyConforming)
            .ToList();
        var reasons = new List<string>();
        string conclusion;
        double? score = null;
        string name;

        if (template == ConclusionTemplate.Template2025)
        {
            name = name2025;
            if (hazards > 0)
            {
                conclusion = majorHazardResult;
                reasons.Add($"存在 {hazards} 项重大风险隐患 → {majorHazardResult}");
            }
            else if (rate > conformingAbove)
            {
                conclusion = "符合";
                reasons.Add($"符合率 {rate:0.##}% > {conformingAbove}% 且无重大风险隐患 → 符合");
            }
            else if (rate >= basicAtLeast)
            {
                conclusion = "基本符合";
                reasons.Add($"符合率 {rate:0.##}% 在 {basicAtLeast}%–{conformingAbove}% 之间 → 基本符合");
            }
            else
            {
                conclusion = "不符合";
                reasons.Add($"符合率 {rate:0.##}% < {basicAtLeast}% → 不符合");
            }
        }
        else
        {
            name = name2021;
            var s = Math.Round(ComprehensiveScore(items), 2);
            score = s;
            var worstRisk = items.Where(i => i.Result != ItemResultValue.Conforming && i.Result != ItemResultValue.NotApplicable)
                .Select(i => i.MajorHazard ? Severity.High : i.Risk ?? Severity.Low)
                .DefaultIfEmpty(Severity.Info)
                .Max();
            var grade = grades.First(g => s >= g.MinScore && worstRisk <= g.MaxRisk);
            conclusion = grade.Name;
            reasons.Add($"综合得分 {s:0.##}，最高风险 {(worstRisk == Severity.Info ? "无" : worstRisk.ToChinese())} → {grade.Name}");
        }

        return new AssessmentConclusion(template, name, level, rate, score, conclusion, hazards, categories, rectification, reasons);
    }

    internal static ConclusionPolicy Parse(string text, string file)
    {
        var root = YamlDocumentReader.LoadMapping(text, file);
        root.OnlyKeys(file, "conformity", "template2025", "template2021");
        var credits = new Dictionary<ItemResultValue, double> { [ItemResultValue.NotApplicable] = 0 };
        foreach (var (k, v) in root.Get("conformity")!.Mapping(file, "conformity").Get("credit")!.Mapping(file, "credit").Children)
        {
            var word = k.Scalar(file, "结果");
            if (!ItemResultNames.TryParse(word, out var r) || r == ItemResultValue.NotApplicable)
            {
                throw new DataFileException(file, k.Line(), $"credit 的结果 '{word}' 应为 符合/部分符合/不符合");
            }

            var c = v.Number(file, "credit");
            credits[r] = c is >= 0 and <= 1 ? c : throw new DataFileException(file, v.Line(), "credit 应在 0–1 之间");
        }

        if (credits.Count != 4)
        {
            throw new DataFileException(file, 1, "credit 应给出 符合/部分符合/不符合 三项");
        }

        var t25 = root.Get("template2025")!.Mapping(file, "template2025");
        var t21 = root.Get("template2021")!.Mapping(file, "template2021");
        var hazardResult = t25.RequiredString("majorHazardResult", file);
        if (hazardResult is not ("不符合" or "基本符合"))
        {
            throw new DataFileException(file, t25.Get("majorHazardResult")!.Line(), "majorHazardResult 应为 不符合 或 基本符合");
        }

        var weightMap = t21.Get("weights")!.Mapping(file, "weights").Children
            .ToDictionary(kv => kv.Key.Scalar(file, "重要程度"), kv => kv.Value.Number(file, "权重"));
        var gradeList = t21.Get("grades")!.Sequence(file, "grades").Children.Select(g =>
        {
            var m = g.Mapping(file, "等级");
            return (m.RequiredString("name", file), m.Get("minScore")!.Number(file, "minScore"), SeverityNames.Parse(m.RequiredString("maxRisk", file)));
        }).ToList();
        if (gradeList.Count == 0 || gradeList[^1].Item2 != 0 || gradeList[^1].Item3 != Severity.High)
        {
            throw new DataFileException(file, t21.Line(), "grades 的最后一档应为 minScore 0、maxRisk 高（兜底）");
        }

        return new ConclusionPolicy
        {
            credit = credits,
            name2025 = t25.RequiredString("name", file),
            conformingAbove = t25.Get("conformingAbove")!.Number(file, "conformingAbove"),
            basicAtLeast = t25.Get("basicAtLeast")!.Number(file, "basicAtLeast"),
            majorHazardResult = hazardResult,
            name2021 = t21.RequiredString("name", file),
            weights = weightMap,
            defaultImportance = t21.RequiredString("defaultImportance", file),
            grades = gradeList,
        };
    }
}
