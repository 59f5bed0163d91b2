using MedGuard.Domain.Platform;
using MedGuard.Domain.Scope;

namespace MedGuard.Domain.Inventory;

/// <summary>
/// 授权 — the institution's written permission to run detection against one asset: who signed the letter (kept with
/// its SHA-256), from when to when (dates in China time, both inclusive), which detectors, in which daily window and
/// how fast per host. No valid authorization, no packet: the platform derives every scan's scope from these records
/// and refuses to import findings on an asset that had none when the run started.
/// </summary>
public sealed class AssetAuthorization
{
    /// <summary>The detectors an authorization may name.</summary>
    public static readonly IReadOnlyList<string> KnownDetectors = ["ports", "web", "apk", "logic"];

    /// <summary>The letter's largest size (10 MB).</summary>
    public const int MaxLetterBytes = 10 * 1024 * 1024;

    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid AssetId { get; set; }

    public Guid InstitutionId { get; set; }

    /// <summary>Who signed for the institution (name and post as on the letter).</summary>
    public required string AuthorizedBy { get; set; }

    public string? LetterFileName { get; set; }

    /// <summary>SHA-256 (hex) of the uploaded letter.</summary>
    public string? LetterSha256 { get; set; }

    /// <summary>The letter itself (at most <see cref="MaxLetterBytes"/>), when kept in the database.</summary>
    public byte[]? Letter { get; set; }

    public DateOnly ValidFrom { get; set; }

    public DateOnly ValidUntil { get; set; }

    /// <summary>Detectors permitted: <c>ports</c>, <c>web</c>, <c>apk</c>, <c>logic</c>.</summary>
    public List<string> Detectors { get; set; } = [];

    /// <summary>Daily window in China time, <c>22:00-06:00</c> (may wrap midnight); null = any time.</summary>
    public string? AllowedWindow { get; set; }

    /// <summary>Requests or connections per second per host the detection may send.</summary>
    public double MaxRatePerHost { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool Permits(string detector, DateTimeOffset at) => Refusal(detector, at) is null;

    /// <summary>Why this authorization does not permit the detector at that instant (Chinese), or null when it does.</summary>
    public string? Refusal(string detector, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(detector);
        if (RevokedAt is { } revoked && revoked <= at)
        {
            return $"授权已于 {ChinaStandardTime.At(revoked):yyyy-MM-dd HH:mm} 撤销";
        }

        var day = ChinaStandardTime.DateOf(at);
        if (day < ValidFrom)
        {
            return $"授权自 {ValidFrom:yyyy-MM-dd} 起生效，检测时（{day:yyyy-MM-dd}）尚未生效";
        }

        if (day > ValidUntil)
        {
            return $"授权有效期至 {ValidUntil:yyyy-MM-dd}，检测时（{day:yyyy-MM-dd}）已过期";
        }

        if (!Detectors.Contains(detector, StringComparer.OrdinalIgnoreCase))
        {
            return $"授权不含 {detector} 检测（已授权：{(Detectors.Count == 0 ? "无" : string.Join("、", Detectors))}）";
        }

        if (AllowedWindow is { } window)
        {
            if (!ScanWindow.TryParseDaily(window, out var from, out var until))
            {
                return $"授权的允许时段 '{window}' 无法识别";
            }

            var time = ChinaStandardTime.TimeOf(at);
            if (!ScanWindow.DailyIncludes(from, until, time))
            {
                return $"检测时间 {time:HH\\:mm} 不在授权的允许时段 {window} 内";
            }
        }

        return null;
    }
}
