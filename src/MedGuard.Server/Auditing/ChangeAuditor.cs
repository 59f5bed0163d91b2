using MedGuard.Domain.Platform;
using MedGuard.Storage;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Auditing;

/// <summary>
/// Every change saved through a request's database context becomes an audit entry — in one place, so that no page
/// can forget it: which entity, which id, create/update/delete, and the names of the changed fields (never their
/// values, which may be sensitive).
/// </summary>
public static class ChangeAuditor
{
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
                var fields = entry.State == EntityState.Modified
                    ? string.Join(",", entry.Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name))
                    : "";
                pending.Add(who(new AuditEvent(action, entry.Metadata.ClrType.Name, id, fields.Length > 0 ? "字段: " + fields : null)));
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
}
