namespace MedGuard.Domain.Assessment;

/// <summary>The judgement on one requirement item (GB/T 28448-2019): 符合 / 部分符合 / 不符合 / 不适用.</summary>
public enum ItemResultValue
{
    Conforming = 1,          // 符合
    PartiallyConforming = 2, // 部分符合
    NonConforming = 3,       // 不符合
    NotApplicable = 4,       // 不适用
}

public static class ItemResultNames
{
    public static string ToChinese(this ItemResultValue value) => value switch
    {
        ItemResultValue.Conforming => "符合",
        ItemResultValue.PartiallyConforming => "部分符合",
        ItemResultValue.NonConforming => "不符合",
        ItemResultValue.NotApplicable => "不适用",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    public static bool TryParse(string? text, out ItemResultValue value)
    {
        switch (text?.Trim())
        {
            case "符合": value = ItemResultValue.Conforming; return true;
            case "部分符合": value = ItemResultValue.PartiallyConforming; return true;
            case "不符合": value = ItemResultValue.NonConforming; return true;
            case "不适用": value = ItemResultValue.NotApplicable; return true;
            default: value = default; return false;
        }
    }
}

/// <summary>An assessor's result for one item, with the evidence (测评证据) behind it.</summary>
public sealed class ItemResult
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid AssessmentId { get; set; }

    /// <summary>GB/T 28448 unit code, e.g. L3-CES1-01.</summary>
    public required string ItemCode { get; set; }

    public ItemResultValue Result { get; set; }

    public string? Evidence { get; set; }

    /// <summary>Risk judged on a shortfall: 高/中/低 (empty when conforming).</summary>
    public string? Risk { get; set; }

    /// <summary>High-risk guide case ids linked to this item's shortfall (6.4.3.1…).</summary>
    public List<string> HighRiskCases { get; set; } = [];

    /// <summary>Marked as a 重大风险隐患 (major risk hazard) by the assessor.</summary>
    public bool MajorHazard { get; set; }
}
