namespace MedGuard.Reports.Document;

/// <summary>
/// A document as content, before any format: the one shape the docx, HTML/PDF and xlsx writers all read, so the
/// three formats of one report say the same thing.
/// </summary>
public sealed record ReportDocument(ReportKind Kind, string Title, string Subtitle, IReadOnlyList<Block> Blocks)
{
    /// <summary>The tables in order (what the xlsx carries, one sheet each).</summary>
    public IEnumerable<TableBlock> Tables => Blocks.OfType<TableBlock>();

    /// <summary>The document's plain text (tests and the signature's manifest read it).</summary>
    public string PlainText => string.Join('\n', Blocks.Select(b => b switch
    {
        Heading h => h.Text,
        Paragraph p => p.Text,
        TableBlock t => string.Join('\n', new[] { t.Caption, string.Join(' ', t.Headers) }.Concat(t.Rows.Select(r => string.Join(' ', r)))),
        ChartBlock c => c.Chart.Title,
        _ => "",
    }));
}

/// <summary>The five documents (issue 17).</summary>
public enum ReportKind
{
    Grading,     // 定级报告
    Filing,      // 备案表
    Assessment,  // 测评报告（摘要）
    Notice,      // 整改通知
    Situation,   // 态势报告
}

public static class ReportKindNames
{
    public static string ToChinese(this ReportKind kind) => kind switch
    {
        ReportKind.Grading => "定级报告",
        ReportKind.Filing => "备案表",
        ReportKind.Assessment => "测评报告",
        ReportKind.Notice => "整改通知",
        ReportKind.Situation => "态势报告",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The CLI's and API's word for a kind: grading, filing, assessment, notice, situation.</summary>
    public static string Slug(this ReportKind kind) => kind.ToString().ToLowerInvariant();

    public static ReportKind Parse(string slug)
    {
        foreach (var kind in Enum.GetValues<ReportKind>())
        {
            if (kind.Slug() == slug.Trim().ToLowerInvariant())
            {
                return kind;
            }
        }

        throw new FormatException($"未知的报告类型 '{slug}'（应为 grading、filing、assessment、notice 或 situation）");
    }
}

/// <summary>One piece of a document.</summary>
public abstract record Block;

/// <summary>A heading; level 1 is a chapter (一、), 2 a section, 3 a subsection.</summary>
public sealed record Heading(int Level, string Text) : Block;

/// <summary>A paragraph of text.</summary>
public sealed record Paragraph(string Text, bool Emphasis = false) : Block;

/// <summary>A table with a caption, a header row and data rows (cells are text as printed).</summary>
public sealed record TableBlock(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? SheetName = null) : Block;

/// <summary>A chart, drawn server-side (Rendering/ChartSvg).</summary>
public sealed record ChartBlock(BarChart Chart) : Block;

/// <summary>A grouped bar chart: categories along the axis, one bar per series in each (values in <see cref="Unit"/>).</summary>
public sealed record BarChart(string Title, IReadOnlyList<string> Categories, IReadOnlyList<ChartSeries> Series, string Unit = "%", double Max = 100);

public sealed record ChartSeries(string Name, IReadOnlyList<double> Values);
