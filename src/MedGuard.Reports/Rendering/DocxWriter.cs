using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using MedGuard.Reports.Document;
using A = DocumentFormat.OpenXml.Drawing;
using DW = DocumentFormat.OpenXml.Drawing.Wordprocessing;
using PIC = DocumentFormat.OpenXml.Drawing.Pictures;
using WParagraph = DocumentFormat.OpenXml.Wordprocessing.Paragraph;

namespace MedGuard.Reports.Rendering;

/// <summary>
/// The document as .docx (OpenXML): real Word styles (Title, Heading 1–3 with outline levels, Caption, a table style),
/// 宋体/黑体 for East Asian text with WenQuanYi Zen Hei named as their alternate in the font table, A4 pages and a
/// footer with 第 PAGE 页 / 共 NUMPAGES 页. Charts come in as PNG rendered beforehand (<see cref="ChromiumRenderer"/>).
/// </summary>
public static class DocxWriter
{
    public const string BodyFont = "宋体";        // SimSun
    public const string HeadingFont = "黑体";     // SimHei

    public static byte[] Write(ReportDocument document, IReadOnlyDictionary<BarChart, byte[]> chartImages)
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            word.PackageProperties.Title = document.Title;
            word.PackageProperties.Creator = "MedGuard";
            var main = word.AddMainDocumentPart();
            AddStyles(main);
            AddFonts(main);
            var footerId = AddFooter(main, document.Title);
            var body = new Body();
            body.Append(Para(document.Title, "Title"));
            body.Append(Para(document.Subtitle, "Subtitle"));
            uint imageId = 1;
            foreach (var block in document.Blocks)
            {
                switch (block)
                {
                    case Heading h:
                        body.Append(Para(h.Text, $"Heading{Math.Clamp(h.Level, 1, 3)}"));
                        break;
                    case Document.Paragraph p:
                        body.Append(Para(p.Text, null, p.Emphasis));
                        break;
                    case TableBlock t:
                        body.Append(Para(t.Caption, "Caption"));
                        body.Append(Table(t));
                        body.Append(Para("", null));
                        break;
                    case ChartBlock c when chartImages.TryGetValue(c.Chart, out var png):
                        body.Append(Image(main, png, imageId++, c.Chart.Title));
                        body.Append(Para(c.Chart.Title, "Caption"));
                        break;
                    case ChartBlock c:
                        body.Append(Para(c.Chart.Title, "Caption"));
                        break;
                }
            }

            body.Append(new SectionProperties(
                new FooterReference { Type = HeaderFooterValues.Default, Id = footerId },
                new PageSize { Width = 11906, Height = 16838 },
                new PageMargin { Top = 1440, Bottom = 1440, Left = 1247, Right = 1247, Header = 851, Footer = 851, Gutter = 0 }));
            main.Document = new DocumentFormat.OpenXml.Wordprocessing.Document(body);
            main.Document.Save();
        }

        return stream.ToArray();
    }

    private static WParagraph Para(string text, string? style, bool bold = false)
    {
        var p = new WParagraph();
        if (style is not null)
        {
            p.Append(new ParagraphProperties(new ParagraphStyleId { Val = style }));
        }

        var run = new Run();
        if (bold)
        {
            run.Append(new RunProperties(new Bold()));
        }

        run.Append(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        p.Append(run);
        return p;
    }

    private static Table Table(TableBlock t)
    {
        var table = new Table(new TableProperties(
            new TableStyle { Val = "ReportTable" },
            new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
            new TableLook { Val = "04A0", FirstRow = true }));
        var header = new TableRow(new TableRowProperties(new TableHeader()));
        foreach (var h in t.Headers)
        {
            header.Append(Cell(h, true));
        }

        table.Append(header);
        foreach (var row in t.Rows)
        {
            var tr = new TableRow(new TableRowProperties(new CantSplit()));
            for (var i = 0; i < t.Headers.Count; i++)
            {
                tr.Append(Cell(i < row.Count ? row[i] : "", false));
            }

            table.Append(tr);
        }

        return table;
    }

    private static TableCell Cell(string text, bool header)
    {
        var p = new WParagraph(new ParagraphProperties(new ParagraphStyleId { Val = "TableText" }));
        var run = new Run();
        if (header)
        {
            run.Append(new RunProperties(new Bold()));
        }

        run.Append(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        p.Append(run);
        var props = new TableCellProperties();
        if (header)
        {
            props.Append(new Shading { Val = ShadingPatternValues.Clear, Fill = "E8EEF6", Color = "auto" });
        }

        return new TableCell(props, p);
    }

    private static WParagraph Image(MainDocumentPart main, byte[] png, uint id, string title)
    {
        var part = main.AddImagePart(ImagePartType.Png);
        using (var s = new MemoryStream(png))
        {
            part.FeedData(s);
        }

        var relId = main.GetIdOfPart(part);
        const long cx = 6_000_000L; // ~16.7 cm wide, height by the chart's aspect
        var cy = cx * ChartSvg.Height / ChartSvg.Width;
        var graphic = new A.Graphic(new A.GraphicData(
            new PIC.Picture(
                new PIC.NonVisualPictureProperties(new PIC.NonVisualDrawingProperties { Id = id, Name = $"chart{id}.png", Description = title }, new PIC.NonVisualPictureDrawingProperties()),
                new PIC.BlipFill(new A.Blip { Embed = relId }, new A.Stretch(new A.FillRectangle())),
                new PIC.ShapeProperties(new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }), new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle })))
        { Uri = "http://schemas.openxmlformats.org/drawingml/2006/picture" });
        var inline = new DW.Inline(
            new DW.Extent { Cx = cx, Cy = cy },
            new DW.EffectExtent { LeftEdge = 0, TopEdge = 0, RightEdge = 0, BottomEdge = 0 },
            new DW.DocProperties { Id = id, Name = $"图表 {id}", Description = title },
            new DW.NonVisualGraphicFrameDrawingProperties(new A.GraphicFrameLocks { NoChangeAspect = true }),
            graphic)
        { DistanceFromTop = 0, DistanceFromBottom = 0, DistanceFromLeft = 0, DistanceFromRight = 0 };
        return new WParagraph(new ParagraphProperties(new Justification { Val = JustificationValues.Center }), new Run(new Drawing(inline)));
    }

    private static string AddFooter(MainDocumentPart main, string title)
    {
        var footer = main.AddNewPart<FooterPart>();
        static Run Field(string code) => new(new FieldChar { FieldCharType = FieldCharValues.Begin }, new FieldCode($" {code} ") { Space = SpaceProcessingModeValues.Preserve },
            new FieldChar { FieldCharType = FieldCharValues.Separate }, new Text("1"), new FieldChar { FieldCharType = FieldCharValues.End });
        static Run T(string text) => new(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        footer.Footer = new Footer(new WParagraph(
            new ParagraphProperties(new ParagraphStyleId { Val = "Footer" }, new Justification { Val = JustificationValues.Center }),
            T(title + "　第 "), Field("PAGE"), T(" 页 / 共 "), Field("NUMPAGES"), T(" 页")));
        footer.Footer.Save();
        return main.GetIdOfPart(footer);
    }

    private static RunFonts Fonts(string eastAsia) => new()
    {
        Ascii = "Times New Roman",
        HighAnsi = "Times New Roman",
        EastAsia = eastAsia,
        ComplexScript = "Times New Roman",
        Hint = FontTypeHintValues.EastAsia,
    };

    private static void AddStyles(MainDocumentPart main)
    {
        var styles = main.AddNewPart<StyleDefinitionsPart>();
        Style Para(string id, string name, string font, int halfPoints, bool bold, int? outline = null, JustificationValues? justify = null, int before = 0, int after = 120)
        {
            var pPr = new StyleParagraphProperties(new SpacingBetweenLines { Before = before.ToString(System.Globalization.CultureInfo.InvariantCulture), After = after.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            if (outline is { } o)
            {
                pPr.Append(new KeepNext(), new OutlineLevel { Val = o });
            }

            if (justify is { } j)
            {
                pPr.Append(new Justification { Val = j });
            }

            var rPr = new StyleRunProperties(Fonts(font), new FontSize { Val = halfPoints.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new FontSizeComplexScript { Val = halfPoints.ToString(System.Globalization.CultureInfo.InvariantCulture) }, new Languages { Val = "en-US", EastAsia = "zh-CN" });
            if (bold)
            {
                rPr.Append(new Bold());
            }

            var style = new Style(new StyleName { Val = name }, new PrimaryStyle(), pPr, rPr) { Type = StyleValues.Paragraph, StyleId = id };
            if (id != "Normal")
            {
                style.InsertAt(new BasedOn { Val = "Normal" }, 1);
                style.InsertAt(new NextParagraphStyle { Val = "Normal" }, 2);
            }
            else
            {
                style.Default = true;
            }

            return style;
        }

        var tableStyle = new Style(
            new StyleName { Val = "Report Table" },
            new StyleTableProperties(new TableBorders(
                new TopBorder { Val = BorderValues.Single, Size = 4 }, new BottomBorder { Val = BorderValues.Single, Size = 4 },
                new LeftBorder { Val = BorderValues.Single, Size = 4 }, new RightBorder { Val = BorderValues.Single, Size = 4 },
                new InsideHorizontalBorder { Val = BorderValues.Single, Size = 4 }, new InsideVerticalBorder { Val = BorderValues.Single, Size = 4 }),
                new TableCellMarginDefault(new TopMargin { Width = "40", Type = TableWidthUnitValues.Dxa }, new StartMargin { Width = "80", Type = TableWidthUnitValues.Dxa },
                    new BottomMargin { Width = "40", Type = TableWidthUnitValues.Dxa }, new EndMargin { Width = "80", Type = TableWidthUnitValues.Dxa })))
        { Type = StyleValues.Table, StyleId = "ReportTable" };
        styles.Styles = new Styles(
            new DocDefaults(new RunPropertiesDefault(new RunPropertiesBaseStyle(Fonts(BodyFont), new FontSize { Val = "21" }, new Languages { Val = "en-US", EastAsia = "zh-CN" }))),
            Para("Normal", "Normal", BodyFont, 21, false),
            Para("Title", "Title", HeadingFont, 40, true, null, JustificationValues.Center, 480, 120),
            Para("Subtitle", "Subtitle", BodyFont, 24, false, null, JustificationValues.Center, 0, 360),
            Para("Heading1", "heading 1", HeadingFont, 30, true, 0, null, 240, 120),
            Para("Heading2", "heading 2", HeadingFont, 26, true, 1, null, 180, 80),
            Para("Heading3", "heading 3", HeadingFont, 22, true, 2, null, 120, 60),
            Para("Caption", "caption", HeadingFont, 20, true, null, JustificationValues.Center, 120, 60),
            Para("TableText", "Table Text", BodyFont, 18, false, null, null, 0, 0),
            Para("Footer", "footer", BodyFont, 18, false),
            tableStyle);
        styles.Styles.Save();
    }

    private static void AddFonts(MainDocumentPart main)
    {
        var fonts = main.AddNewPart<FontTablePart>();
        static Font F(string name, string alt, string family) => new(new AltName { Val = alt }, new FontCharSet { Val = "86" }, new FontFamily { Val = new EnumValue<FontFamilyValues>(family == "roman" ? FontFamilyValues.Roman : FontFamilyValues.Swiss) }) { Name = name };
        fonts.Fonts = new Fonts(
            F(BodyFont, "SimSun", "roman"),
            F(HeadingFont, "SimHei", "swiss"),
            // Where 宋体/黑体 are missing (Linux), WenQuanYi Zen Hei is the CJK font Debian's fonts-wqy-zenhei provides.
            F(ChartSvg.FontFamily, "文泉驿正黑", "swiss"),
            new Font(new FontFamily { Val = FontFamilyValues.Roman }) { Name = "Times New Roman" });
        fonts.Fonts.Save();
    }
}
