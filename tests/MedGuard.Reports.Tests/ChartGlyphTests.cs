using MedGuard.Reports.Document;
using MedGuard.Reports.Rendering;

namespace MedGuard.Reports.Tests;

/// <summary>
/// A chart's Chinese text is drawn as glyphs of the named CJK font, never as boxes (tofu): each character's ink differs
/// from every other's and from what a character no font has (U+0378, always a box) draws.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class ChartGlyphTests(ChromiumFixture fixture)
{
    private async Task<PngImage> TitleAsync(string title)
    {
        var png = await fixture.Chromium.PngAsync(ChartSvg.Render(new BarChart(title, ["三甲"], [new ChartSeries("定级率", [50])])), ChartSvg.Width, ChartSvg.Height);
        return PngImage.Decode(png);
    }

    [Fact]
    public async Task ChineseLabelsAreGlyphsNotBoxes()
    {
        // The title is centred at the top: 18 px text at scale 2 lies within y 16–60, x around the centre.
        const int x = (ChartSvg.Width - 40) * 2 / 2, y = 10, w = 80, h = 50;
        var box = (await TitleAsync("\u0378")).Mask(x, y, w, h);
        var masks = new Dictionary<string, string>();
        foreach (var ch in new[] { "定", "级", "备", "案", "率" })
        {
            var image = await TitleAsync(ch);
            Assert.True(image.Ink(x, y, w, h) > 30, $"「{ch}」没有画出任何笔画");
            masks[ch] = image.Mask(x, y, w, h);
        }

        Assert.Equal(masks.Count, masks.Values.Distinct().Count()); // boxes would all look alike
        Assert.All(masks, m => Assert.NotEqual(box, m.Value));

        // The real chart the situation report draws has ink where its Chinese title and labels are.
        var chart = PngImage.Decode(await fixture.Chromium.PngAsync(ChartSvg.Render(new BarChart("图1 各级别医院等级保护工作推进情况", ["三甲", "二级"],
            [new ChartSeries("定级率", [57.6, 37.7]), new ChartSeries("备案率", [53.2, 26.4])])), ChartSvg.Width, ChartSvg.Height));
        File.WriteAllBytes(Path.Combine(ProducedFiles.ArtifactDirectory, "chart-sample.png"), await fixture.Chromium.PngAsync(ChartSvg.Render(new BarChart("图1 各级别医院等级保护工作推进情况", ["三甲", "二级"],
            [new ChartSeries("定级率", [57.6, 37.7])])), ChartSvg.Width, ChartSvg.Height));
        Assert.True(chart.Ink(200, 10, 1100, 50) > 500, "图表标题没有字形");
    }
}
