using System.Globalization;
using System.Text;
using MiniExcelLibs;
using MiniExcelLibs.Csv;

namespace MedGuard.Storage.Inventory;

/// <summary>One data row of an asset sheet, as written (the registry parses and checks it).</summary>
/// <param name="Number">The row's number in the sheet (the header is row 1), for the error report.</param>
public sealed record AssetSheetRow(
    int Number, string? Institution, string? Kind, string? Value, string? Name = null, string? System = null, string? AuthorizedBy = null,
    string? ValidFrom = null, string? ValidUntil = null, string? Detectors = null, string? Window = null, string? RatePerHost = null);

/// <summary>Why one row of a sheet was refused (Chinese); row 0 is the sheet as a whole.</summary>
public sealed record AssetSheetError(int Row, string Reason);

/// <summary>What <see cref="AssetRegistry.ImportSheetAsync"/> did: every asset registered, or nothing and every bad row.</summary>
public sealed record AssetSheetImport(IReadOnlyList<Domain.Inventory.Asset> Added, IReadOnlyList<AssetSheetError> Errors)
{
    public bool Written => Errors.Count == 0 && Added.Count > 0;
}

/// <summary>
/// A sheet of assets and their authorizations (CSV or .xlsx, first sheet) with Chinese headers — 机构, 类型, 值, 名称,
/// 定级对象, 授权单位, 授权起, 授权止, 检测类型, 时间窗口, 每主机速率 — or their English names (institution, kind,
/// value, name, system, authorizedBy, authorizedFrom, authorizedUntil, detectors, window, rate). Bounded: at most
/// <see cref="MaxBytes"/> and <see cref="MaxRows"/> rows. A CSV is read as UTF-8, or as GB18030 when it is not valid
/// UTF-8 (what Excel on a Chinese Windows saves).
/// </summary>
public static class AssetSheet
{
    public const long MaxBytes = 10 * 1024 * 1024;

    public const int MaxRows = 50_000;

    private static readonly Dictionary<string, string> Columns = new(StringComparer.Ordinal)
    {
        ["机构"] = "institution",
        ["医疗机构"] = "institution",
        ["机构名称"] = "institution",
        ["institution"] = "institution",
        ["类型"] = "kind",
        ["资产类型"] = "kind",
        ["kind"] = "kind",
        ["type"] = "kind",
        ["值"] = "value",
        ["资产"] = "value",
        ["value"] = "value",
        ["名称"] = "name",
        ["资产名称"] = "name",
        ["name"] = "name",
        ["定级对象"] = "system",
        ["system"] = "system",
        ["授权单位"] = "authorizedBy",
        ["授权人"] = "authorizedBy",
        ["authorizedby"] = "authorizedBy",
        ["授权起"] = "from",
        ["授权开始"] = "from",
        ["authorizedfrom"] = "from",
        ["validfrom"] = "from",
        ["授权止"] = "until",
        ["授权截止"] = "until",
        ["authorizeduntil"] = "until",
        ["validuntil"] = "until",
        ["检测类型"] = "detectors",
        ["detectors"] = "detectors",
        ["时间窗口"] = "window",
        ["允许时段"] = "window",
        ["window"] = "window",
        ["allowedwindow"] = "window",
        ["每主机速率"] = "rate",
        ["rate"] = "rate",
        ["rateperhost"] = "rate",
        ["maxrateperhost"] = "rate",
        ["备注"] = "",
        ["note"] = "", // read by people, not imported
    };

    private static readonly string[] Required = ["institution", "kind", "value", "until"];

    /// <summary>Reads a sheet file (.csv or .xlsx) into rows, refusing a file over the bounds.</summary>
    public static IReadOnlyList<AssetSheetRow> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new AssetRegistrationException($"找不到表格文件: {path}");
        }

        if (info.Length > MaxBytes)
        {
            throw new AssetRegistrationException($"表格文件超过 {MaxBytes / 1024 / 1024} MB: {path}");
        }

        using var stream = File.OpenRead(path);
        return Read(stream, info.Name);
    }

    /// <summary>Reads an uploaded sheet; <paramref name="fileName"/>'s extension says CSV or xlsx.</summary>
    public static IReadOnlyList<AssetSheetRow> Read(Stream stream, string fileName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (extension is not (".csv" or ".xlsx"))
        {
            throw new AssetRegistrationException($"只支持 .csv 或 .xlsx 表格: {fileName}");
        }

        var bytes = ReadBounded(stream);
        try
        {
            return extension == ".csv" ? Rows(Query(bytes, ExcelType.CSV, CsvEncoding(bytes))) : Rows(Query(bytes, ExcelType.XLSX, null));
        }
        catch (Exception ex) when (ex is not AssetRegistrationException and not OutOfMemoryException)
        {
            // A damaged file (not a zip, broken XML, an unclosed quote): one line, never a trace.
            throw new AssetRegistrationException($"无法读取表格 {fileName}: {ex.Message}");
        }
    }

    private static byte[] ReadBounded(Stream stream)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBytes)
            {
                throw new AssetRegistrationException($"表格文件超过 {MaxBytes / 1024 / 1024} MB");
            }
        }

        return buffer.ToArray();
    }

    private static Encoding CsvEncoding(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(bytes);
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030");
        }
    }

    private static IEnumerable<IDictionary<string, object?>> Query(byte[] bytes, ExcelType type, Encoding? encoding)
    {
        var stream = new MemoryStream(bytes, writable: false);
        var configuration = encoding is null ? null : new CsvConfiguration { StreamReaderFunc = s => new StreamReader(s, encoding, detectEncodingFromByteOrderMarks: true) };
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: true, excelType: type, configuration: configuration))
        {
            yield return row;
        }
    }

    private static List<AssetSheetRow> Rows(IEnumerable<IDictionary<string, object?>> source)
    {
        var rows = new List<AssetSheetRow>();
        Dictionary<string, string>? map = null;
        var number = 1;
        foreach (var cells in source)
        {
            number++;
            map ??= MapHeaders(cells.Keys);
            if (cells.Values.All(v => string.IsNullOrWhiteSpace(Text(v))))
            {
                continue;
            }

            if (rows.Count == MaxRows)
            {
                throw new AssetRegistrationException($"表格超过 {MaxRows} 行，请拆分后分批导入");
            }

            string? Cell(string field) => map.TryGetValue(field, out var header) ? Text(cells[header]) : null;
            rows.Add(new AssetSheetRow(number, Cell("institution"), Cell("kind"), Cell("value"), Cell("name"), Cell("system"), Cell("authorizedBy"),
                Cell("from"), Cell("until"), Cell("detectors"), Cell("window"), Cell("rate")));
        }

        return rows;
    }

    /// <summary>Field → the sheet's header for it; an unknown header or a missing required one is refused by name.</summary>
    private static Dictionary<string, string> MapHeaders(IEnumerable<string> headers)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var header in headers)
        {
            var key = new string([.. header.Where(c => !char.IsWhiteSpace(c) && c is not '_' and not '-')]).ToLowerInvariant();
            if (key.Length == 0)
            {
                continue;
            }

            if (!Columns.TryGetValue(key, out var field))
            {
                unknown.Add(header);
            }
            else if (field.Length > 0)
            {
                map[field] = header;
            }
        }

        if (unknown.Count > 0)
        {
            throw new AssetRegistrationException($"表头中有无法识别的列：{string.Join("、", unknown)}（可用：机构、类型、值、名称、定级对象、授权单位、授权起、授权止、检测类型、时间窗口、每主机速率、备注）");
        }

        var missing = Required.Where(f => !map.ContainsKey(f)).ToList();
        if (missing.Count > 0)
        {
            var names = missing.Select(f => f switch { "institution" => "机构", "kind" => "类型", "value" => "值", _ => "授权止" });
            throw new AssetRegistrationException($"表头缺少必需的列：{string.Join("、", names)}");
        }

        return map;
    }

    private static string? Text(object? value) => value switch
    {
        null => null,
        DateTime date => date.TimeOfDay == TimeSpan.Zero ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        double number => number.ToString(CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
