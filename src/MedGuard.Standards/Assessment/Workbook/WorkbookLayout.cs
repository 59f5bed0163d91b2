namespace MedGuard.Standards.Assessment.Workbook;

/// <summary>Sheet and column names of the assessment workbook (测评记录表) — shared by writer and reader.</summary>
internal static class WorkbookLayout
{
    public const string ResultsSheet = "测评结果";
    public const string GuideSheet = "填写说明";
    public const string MetaSheet = "_medguard";

    public const string Number = "序号";
    public const string Code = "单元编号";
    public const string Section = "要求类别";
    public const string Category = "安全类";
    public const string ControlPoint = "控制点";
    public const string Clause = "条款";
    public const string Requirement = "要求项";
    public const string Result = "测评结果";
    public const string Evidence = "测评证据/记录";
    public const string Risk = "风险等级";
    public const string HighRiskCases = "高风险案例编号";
    public const string MajorHazard = "重大风险隐患";
    public const string Importance = "重要程度";

    public static readonly string[] ColumnTitles =
        [Number, Code, Section, Category, ControlPoint, Clause, Requirement, Result, Evidence, Risk, HighRiskCases, MajorHazard, Importance];

    public static readonly double[] Widths = [6, 14, 10, 14, 16, 10, 60, 12, 40, 10, 16, 12, 10];

    public static readonly string[] ResultWords = ["符合", "部分符合", "不符合", "不适用"];
    public static readonly string[] RiskWords = ["高", "中", "低"];
    public static readonly string[] YesNo = ["是", "否"];
    public static readonly string[] ImportanceWords = ["关键", "重要", "一般"];

    public static string ColumnLetter(int index) => index < 26 ? ((char)('A' + index)).ToString() : $"{(char)('A' + (index / 26) - 1)}{(char)('A' + (index % 26))}";
}
