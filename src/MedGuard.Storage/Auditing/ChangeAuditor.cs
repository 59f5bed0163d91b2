using System.Collections;
using System.Globalization;
using MedGuard.Domain.Platform;
using MedGuard.Security.Protection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace MedGuard.Storage.Auditing;

/// <summary>
/// Every change saved through a request's database context becomes an audit entry — in one place, so that no page
/// can forget it: which entity, which id, create/update/delete, and for an update each changed field with its old and
/// new value ("整改期限(DueOn): 2026-07-01 → 2026-08-01"), so the trail shows who moved what from where to where.
/// Sensitive values (SM4-encrypted columns, password hashes, TOTP secrets, phones, evidence) are never written: they
/// show as （已加密）/（敏感字段，已隐去）.
/// </summary>
public static class ChangeAuditor
{
    private const int MaxValueLength = 120;
    private const int MaxDetailLength = 4000;

    // Field names that hold secrets or personal data whatever their content (the value is masked even in plaintext).
    private static readonly string[] SensitiveNameParts = ["Password", "Secret", "Token", "Hash", "Phone", "Evidence", "Encrypted", "Key"];

    public static void Attach(MedGuardDbContext db, AuditTrail trail, Func<AuditEvent, AuditEvent> who)
    {
        List<AuditEvent>? pending = null;
        db.SavingChanges += (_, _) =>
        {
            pending = [];
            foreach (var entry in db.ChangeTracker.Entries())
            {
                if (entry.Entity is AuditEntry || entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
                {
                    continue;
                }

                var action = entry.State switch
                {
                    EntityState.Added => "create",
                    EntityState.Modified => "update",
                    _ => "delete",
                };
                var id = entry.Properties.FirstOrDefault(p => p.Metadata.IsPrimaryKey())?.CurrentValue?.ToString();
                var detail = entry.State == EntityState.Modified ? Changes(entry) : null;
                pending.Add(who(new AuditEvent(action, entry.Metadata.ClrType.Name, id, detail)));
            }
        };
        db.SavedChanges += (_, _) =>
        {
            if (pending is { Count: > 0 } events)
            {
                pending = null;
                trail.RecordAsync(events).GetAwaiter().GetResult();
            }
        };
        db.SaveChangesFailed += (_, _) => pending = null;
    }

    /// <summary>"标签(Name): old → new" for every modified property, sensitive values masked; null when nothing changed.</summary>
    public static string? Changes(EntityEntry entry)
    {
        var parts = entry.Properties.Where(p => p.IsModified).Select(p =>
        {
            var name = p.Metadata.Name;
            var label = FieldLabels.Names.TryGetValue(name, out var chinese) ? $"{chinese}({name})" : name;
            return $"{label}: {Show(name, p.OriginalValue)} → {Show(name, p.CurrentValue)}";
        }).ToList();
        if (parts.Count == 0)
        {
            return null;
        }

        var detail = "变更 " + string.Join("；", parts);
        return detail.Length <= MaxDetailLength ? detail : detail[..MaxDetailLength] + "…";
    }

    private static string Show(string name, object? value)
    {
        if (value is null)
        {
            return "（空）";
        }

        if (value is byte[] || (value is string s && Sm4FieldProtector.IsProtected(s)))
        {
            return "（已加密）";
        }

        if (SensitiveNameParts.Any(part => name.Contains(part, StringComparison.Ordinal)))
        {
            return "（敏感字段，已隐去）";
        }

        var text = value switch
        {
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + (t.Kind == DateTimeKind.Utc ? " UTC" : ""),
            bool b => b ? "是" : "否",
            string str => str,
            IEnumerable list => string.Join("、", list.Cast<object?>().Select(o => o?.ToString())),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.Length <= MaxValueLength ? text : text[..MaxValueLength] + "…";
    }
}
