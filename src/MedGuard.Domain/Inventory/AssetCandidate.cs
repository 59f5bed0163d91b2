namespace MedGuard.Domain.Inventory;

/// <summary>
/// 候选资产 — a web server an institution's app talks to (issue 18 §5), offered by an imported APK run as a website the
/// institution may own. It is not an <see cref="Asset"/>: no scope, campaign or import ever reads candidates, so nothing
/// scans one until a person accepts it (候选 → 已登记, which registers the asset) and records an authorization (授权) for
/// the new asset, or dismisses it (已忽略, with the reason).
/// </summary>
public sealed class AssetCandidate
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid InstitutionId { get; set; }

    /// <summary>The web origin, <c>https://host[:port]</c>, normalized as <see cref="Asset.Normalize"/> writes an origin asset.</summary>
    public required string Origin { get; set; }

    /// <summary>The origin's host name (lowercase), what "already registered" is judged by.</summary>
    public required string Host { get; set; }

    /// <summary>The packages of the institution's apps that contain the origin, in the order they were seen.</summary>
    public List<string> Packages { get; set; } = [];

    /// <summary>When the host belongs to a well-known third-party SDK (微信、支付宝、友盟…): its name; such a server is not the institution's.</summary>
    public string? ThirdParty { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The import (DetectionImport) of the run that first offered it.</summary>
    public Guid FirstImportId { get; set; }

    /// <summary>The import of the latest run that still contained it.</summary>
    public Guid LastImportId { get; set; }

    public AssetCandidateStatus Status { get; set; } = AssetCandidateStatus.Candidate;

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Who accepted or dismissed it, as the audit trail names them.</summary>
    public string? DecidedBy { get; set; }

    public Guid? DecidedByUserId { get; set; }

    /// <summary>Why it was dismissed (忽略理由).</summary>
    public string? DismissReason { get; set; }

    /// <summary>The asset registered when it was accepted.</summary>
    public Guid? AcceptedAssetId { get; set; }

    /// <summary>Plain HTTP: the app's traffic to it is readable on the way.</summary>
    public bool Cleartext => Origin.StartsWith("http://", StringComparison.Ordinal);
}

/// <summary>Where a candidate stands: 候选 (waiting for a person), 已登记 (accepted as an asset), 已忽略 (dismissed).</summary>
public enum AssetCandidateStatus
{
    Candidate = 1,
    Accepted = 2,
    Dismissed = 3,
}

public static class AssetCandidateStatusNames
{
    public static string ToChinese(this AssetCandidateStatus status) => status switch
    {
        AssetCandidateStatus.Candidate => "候选",
        AssetCandidateStatus.Accepted => "已登记",
        AssetCandidateStatus.Dismissed => "已忽略",
        _ => status.ToString(),
    };
}
