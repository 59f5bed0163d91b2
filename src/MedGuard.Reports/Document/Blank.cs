namespace MedGuard.Reports.Document;

/// <summary>
/// A field the platform does not hold (e.g. the 备案表's topology attachment): printed as a marked blank for the unit to
/// fill in by hand, never invented (issue 17 §1).
/// </summary>
public static class Blank
{
    public const string Marker = "【待填写：平台未记录】";

    /// <summary>The value, or the marked blank when there is none.</summary>
    public static string Or(string? value) => string.IsNullOrWhiteSpace(value) ? Marker : value;

    public static string Or(DateOnly? value) => value is { } d ? Date(d) : Marker;

    public static string Date(DateOnly d) => $"{d.Year}年{d.Month}月{d.Day}日";

    public static string YesNo(bool? value) => value switch { true => "是", false => "否", null => Marker };

    /// <summary>A percentage with its numerator and denominator: 57.6%（19/33）; 无数据 when the denominator is 0.</summary>
    public static string Rate(int count, int total) =>
        total == 0 ? "无数据（0/0）" : $"{Math.Round(100.0 * count / total, 1).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}%（{count}/{total}）";
}
