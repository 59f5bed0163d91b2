using System.Net;
using System.Text;
using MedGuard.Reports.Document;

namespace MedGuard.Reports.Rendering;

/// <summary>The document as one self-contained HTML page (charts inline as SVG) — what chromium prints to PDF.</summary>
public static class HtmlWriter
{
    public static string Write(ReportDocument document)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>").Append(E(document.Title)).Append("</title><style>");
        sb.Append($"body{{font-family:'SimSun','宋体','{ChartSvg.FontFamily}',serif;font-size:10.5pt;line-height:1.6;color:#000}}");
        sb.Append($"h1,h2,h3,.title{{font-family:'SimHei','黑体','{ChartSvg.FontFamily}',sans-serif}}");
        sb.Append(".title{font-size:20pt;text-align:center;margin:40px 0 6px}.subtitle{text-align:center;color:#333;margin-bottom:28px}");
        sb.Append("h1{font-size:15pt;margin:18px 0 8px}h2{font-size:13pt;margin:14px 0 6px}h3{font-size:11pt;margin:10px 0 4px}");
        sb.Append("table{border-collapse:collapse;width:100%;margin:6px 0 12px;page-break-inside:auto}tr{page-break-inside:avoid}");
        sb.Append("th,td{border:1px solid #000;padding:3px 5px;font-size:9.5pt;vertical-align:top;word-break:break-all}th{background:#e8eef6}");
        sb.Append("caption{caption-side:top;font-weight:bold;text-align:center;margin-bottom:3px}.em{font-weight:bold}.chart{text-align:center;margin:8px 0}");
        sb.Append("</style></head><body>");
        sb.Append("<div class=\"title\">").Append(E(document.Title)).Append("</div><div class=\"subtitle\">").Append(E(document.Subtitle)).Append("</div>");
        foreach (var block in document.Blocks)
        {
            switch (block)
            {
                case Heading h:
                    sb.Append($"<h{h.Level}>").Append(E(h.Text)).Append($"</h{h.Level}>");
                    break;
                case Paragraph p:
                    sb.Append(p.Emphasis ? "<p class=\"em\">" : "<p>").Append(E(p.Text)).Append("</p>");
                    break;
                case TableBlock t:
                    sb.Append("<table><caption>").Append(E(t.Caption)).Append("</caption><thead><tr>");
                    foreach (var h in t.Headers)
                    {
                        sb.Append("<th>").Append(E(h)).Append("</th>");
                    }

                    sb.Append("</tr></thead><tbody>");
                    foreach (var row in t.Rows)
                    {
                        sb.Append("<tr>");
                        foreach (var cell in row)
                        {
                            sb.Append("<td>").Append(E(cell)).Append("</td>");
                        }

                        sb.Append("</tr>");
                    }

                    sb.Append("</tbody></table>");
                    break;
                case ChartBlock c:
                    sb.Append("<div class=\"chart\">").Append(ChartSvg.Render(c.Chart)).Append("</div>");
                    break;
            }
        }

        sb.Append("</body></html>");
        return sb.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
