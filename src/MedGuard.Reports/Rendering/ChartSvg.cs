using System.Globalization;
using System.Net;
using System.Text;
using MedGuard.Reports.Document;

namespace MedGuard.Reports.Rendering;

/// <summary>
/// Draws a <see cref="BarChart"/> as SVG with a named CJK font from a Debian package (fonts-wqy-zenhei), so Chinese
/// labels are glyphs and never boxes. The PDF embeds the SVG; the docx gets the same SVG rendered to PNG by chromium.
/// </summary>
public static class ChartSvg
{
    /// <summary>The CJK font charts name (Debian: fonts-wqy-zenhei); tests/setup.d/browser.apt installs it.</summary>
    public const string FontFamily = "WenQuanYi Zen Hei";

    public const int Width = 760;

    public const int Height = 380;

    private static readonly string[] Palette = ["#1f5fa8", "#e07b24", "#2e9e5b", "#b03a48", "#7a5cc2", "#5b6b7a"];

    public static string Render(BarChart chart, string fontFamily = FontFamily)
    {
        const int left = 56, right = 20, top = 56, bottom = 70;
        var plotW = Width - left - right;
        var plotH = Height - top - bottom;
        var max = chart.Max > 0 ? chart.Max : Math.Max(1, chart.Series.SelectMany(s => s.Values).DefaultIfEmpty(1).Max());
        var sb = new StringBuilder();
        var font = WebUtility.HtmlEncode($"'{fontFamily}'");
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"{font}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"26\" font-size=\"18\" text-anchor=\"middle\" fill=\"#111\">{Esc(chart.Title)}</text>");
        for (var i = 0; i <= 4; i++)
        {
            var y = top + plotH - (plotH * i / 4.0);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 4:0.#}\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">{max * i / 4:0.#}{Esc(chart.Unit)}</text>");
        }

        var groups = Math.Max(1, chart.Categories.Count);
        var groupW = plotW / (double)groups;
        var barW = Math.Min(36, groupW * 0.8 / Math.Max(1, chart.Series.Count));
        for (var c = 0; c < chart.Categories.Count; c++)
        {
            var x0 = left + (groupW * c) + ((groupW - (barW * chart.Series.Count)) / 2);
            for (var s = 0; s < chart.Series.Count; s++)
            {
                var v = c < chart.Series[s].Values.Count ? chart.Series[s].Values[c] : 0;
                var h = plotH * Math.Clamp(v / max, 0, 1);
                var x = x0 + (barW * s);
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{top + plotH - h:0.#}\" width=\"{barW - 2:0.#}\" height=\"{h:0.#}\" fill=\"{Palette[s % Palette.Length]}\"/>");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (barW / 2) - 1:0.#}\" y=\"{top + plotH - h - 3:0.#}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">{v:0.#}</text>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (groupW * c) + (groupW / 2):0.#}\" y=\"{top + plotH + 18}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#111\">{Esc(chart.Categories[c])}</text>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{top + plotH}\" y2=\"{top + plotH}\" stroke=\"#333\"/>");
        var lx = left;
        for (var s = 0; s < chart.Series.Count; s++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{Height - 26}\" width=\"14\" height=\"14\" fill=\"{Palette[s % Palette.Length]}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{lx + 18}\" y=\"{Height - 14}\" font-size=\"13\" fill=\"#111\">{Esc(chart.Series[s].Name)}</text>");
            lx += 40 + (chart.Series[s].Name.Length * 14);
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
