using MedGuard.Reports.Document;
using MiniExcelLibs;

namespace MedGuard.Reports.Rendering;

/// <summary>The document's tables as a workbook (MiniExcel): a 说明 sheet with the title, then one sheet per table.</summary>
public static class XlsxWriter
{
    public static byte[] Write(ReportDocument document)
    {
        var sheets = new Dictionary<string, object>
        {
            ["说明"] = new List<Dictionary<string, object>>
            {
                new() { ["项目"] = "标题", ["内容"] = document.Title },
                new() { ["项目"] = "单位与日期", ["内容"] = document.Subtitle },
                new() { ["项目"] = "表格数", ["内容"] = document.Tables.Count() },
            },
        };
        foreach (var table in document.Tables)
        {
            var name = SheetName(table.SheetName ?? table.Caption, sheets.Keys);
            var headers = Unique(table.Headers);
            sheets[name] = table.Rows.Select(row =>
            {
                var line = new Dictionary<string, object>();
                for (var i = 0; i < headers.Count; i++)
                {
                    line[headers[i]] = i < row.Count ? row[i] : "";
                }

                return line;
            }).ToList() is { Count: > 0 } rows ? rows : [headers.ToDictionary(h => h, _ => (object)"")];
        }

        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    private static List<string> Unique(IReadOnlyList<string> headers)
    {
        var seen = new HashSet<string>();
        return [.. headers.Select(h =>
        {
            var name = h;
            for (var n = 2; !seen.Add(name); n++)
            {
                name = $"{h}{n}";
            }

            return name;
        })];
    }

    private static string SheetName(string caption, IEnumerable<string> taken)
    {
        var clean = new string([.. caption.Where(c => "[]:*?/\\".IndexOf(c) < 0)]);
        clean = clean.Length > 28 ? clean[..28] : clean;
        var name = clean;
        for (var n = 2; taken.Contains(name); n++)
        {
            name = $"{clean}{n}";
        }

        return name;
    }
}
