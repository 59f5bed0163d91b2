namespace MedGuard.Domain.Campaigns;

/// <summary>
/// 停止开关 — holds all platform-run detection of one institution, or of everyone (<see cref="InstitutionId"/> null),
/// until cleared (issue 14 §4: a hospital whose servers suffer calls it; running tasks stop within seconds). Kept as
/// rows, not a flag, so who stopped what, when and why stays on record.
/// </summary>
public sealed class DetectionStop
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>The institution held; null = the global stop (every institution).</summary>
    public Guid? InstitutionId { get; set; }

    public required string SetBy { get; set; }

    public DateTimeOffset SetAt { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset? ClearedAt { get; set; }

    public string? ClearedBy { get; set; }

    public bool IsActive => ClearedAt is null;
}
