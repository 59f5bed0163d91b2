namespace MedGuard.Storage.Tenancy;

/// <summary>
/// A write outside the context's <see cref="TenantScope"/> was attempted. Nothing was saved: the whole SaveChanges
/// call is refused before any SQL is sent.
/// </summary>
public sealed class TenantScopeViolationException(TenantScope scope, string entityType, string entityId, string operation)
    : InvalidOperationException($"越权写入被拒绝：{scope} 不能{operation} {entityType} {entityId}（超出其租户范围）")
{
    public TenantScope Scope { get; } = scope;

    public string EntityType { get; } = entityType;

    public string EntityId { get; } = entityId;

    /// <summary>新增 / 修改 / 删除.</summary>
    public string Operation { get; } = operation;
}
