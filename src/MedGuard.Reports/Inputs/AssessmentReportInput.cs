using MedGuard.Standards.Assessment;

namespace MedGuard.Reports.Inputs;

/// <summary>
/// What the 测评报告 summary needs: the assessment's items with their results (scored here by
/// <see cref="ConclusionPolicy"/>, the same code the platform concludes with) and the rectification tasks born from it.
/// </summary>
public sealed record AssessmentReportInput
{
    public required UnitFacts Unit { get; init; }

    public required SystemFacts System { get; init; }

    public required int Level { get; init; }

    /// <summary>等级测评 or 自查.</summary>
    public required string KindName { get; init; }

    public string? Agency { get; init; }

    public required DateOnly AssessedOn { get; init; }

    public string? ReportNumber { get; init; }

    /// <summary>2025 or 2021.</summary>
    public required string Template { get; init; }

    public IReadOnlyList<string> Extensions { get; init; } = [];

    /// <summary>Every item of the assessment with its result; items without a result are listed in <see cref="MissingItems"/>.</summary>
    public required IReadOnlyList<AssessedItem> Items { get; init; }

    public int MissingItems { get; init; }

    /// <summary>The conclusion as recorded (e.g. an agency's report entered as a summary, without per-item results).</summary>
    public string? RecordedConclusion { get; init; }

    /// <summary>符合率 or 综合得分 as recorded.</summary>
    public double? RecordedScore { get; init; }

    public IReadOnlyList<RectificationFacts> Rectifications { get; init; } = [];

    public required DateOnly IssuedOn { get; init; }
}

/// <summary>One rectification task (整改项).</summary>
public sealed record RectificationFacts(string Title, string? ItemCode, string? Risk, DateOnly? DueOn, string Status, string? Owner);
