using MedGuard.Domain.Assessment;
using MedGuard.Domain.Systems;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Repositories;

/// <summary>What to list protected systems by; every part is optional.</summary>
public sealed record SystemQuery
{
    public Guid? InstitutionId { get; init; }

    public BusinessKind? Business { get; init; }

    public ProtectionLevel? Level { get; init; }

    public bool? Graded { get; init; }

    public bool? Filed { get; init; }

    public bool? CriticalInfrastructure { get; init; }
}

/// <summary>Protected systems (定级对象) with their grading and filing records, and agency assignments.</summary>
public sealed class SystemRepository(MedGuardDbContext db)
{
    public async Task<ProtectedSystem> AddAsync(ProtectedSystem system, CancellationToken cancellationToken = default)
    {
        db.Systems.Add(system);
        await db.SaveChangesAsync(cancellationToken);
        return system;
    }

    /// <summary>The system with its institution, grading and filing.</summary>
    public Task<ProtectedSystem?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.Systems.Include(s => s.Institution).Include(s => s.Grading).Include(s => s.Filing)
            .FirstOrDefaultAsync(s => s.Id == id, cancellationToken);

    public async Task<IReadOnlyList<ProtectedSystem>> ListAsync(SystemQuery? query = null, CancellationToken cancellationToken = default)
    {
        IQueryable<ProtectedSystem> q = db.Systems.AsNoTracking().Include(s => s.Grading).Include(s => s.Filing);
        if (query?.InstitutionId is { } institutionId)
        {
            q = q.Where(s => s.InstitutionId == institutionId);
        }

        if (query?.Business is { } business)
        {
            q = q.Where(s => s.Business == business);
        }

        if (query?.Level is { } level)
        {
            q = q.Where(s => s.Grading != null && s.Grading.Level == level);
        }

        if (query?.Graded is { } graded)
        {
            q = graded ? q.Where(s => s.Grading != null) : q.Where(s => s.Grading == null);
        }

        if (query?.Filed is { } filed)
        {
            q = filed ? q.Where(s => s.Filing != null) : q.Where(s => s.Filing == null);
        }

        if (query?.CriticalInfrastructure is { } cii)
        {
            q = q.Where(s => s.IsCriticalInfrastructure == cii);
        }

        return await q.OrderBy(s => s.InstitutionId).ThenBy(s => s.Name).ToListAsync(cancellationToken);
    }

    /// <summary>Graded at level 2 or above and not filed yet — the systems that owe a 备案.</summary>
    public async Task<IReadOnlyList<ProtectedSystem>> ListAwaitingFilingAsync(CancellationToken cancellationToken = default)
    {
        // Levels are stored by name, so "level ≥ 2" is the explicit set rather than a comparison.
        ProtectionLevel[] filable = [ProtectionLevel.Level2, ProtectionLevel.Level3, ProtectionLevel.Level4, ProtectionLevel.Level5];
        return await db.Systems.AsNoTracking().Include(s => s.Grading)
            .Where(s => s.Grading != null && filable.Contains(s.Grading.Level) && s.Filing == null)
            .OrderBy(s => s.Grading!.GradedOn).ToListAsync(cancellationToken);
    }

    /// <summary>Records (or replaces) the system's grading.</summary>
    public async Task<GradingRecord> SetGradingAsync(Guid systemId, GradingRecord grading, CancellationToken cancellationToken = default)
    {
        var system = await RequireAsync(systemId, cancellationToken);
        if (system.Grading is { } old && old.Id != grading.Id)
        {
            db.Gradings.Remove(old);
            await db.SaveChangesAsync(cancellationToken); // the unique index on SystemId allows one row at a time
        }

        grading.SystemId = systemId;
        system.Grading = grading;
        await db.SaveChangesAsync(cancellationToken);
        return grading;
    }

    /// <summary>Records (or replaces) the system's filing (备案) and certificate.</summary>
    public async Task<FilingRecord> SetFilingAsync(Guid systemId, FilingRecord filing, CancellationToken cancellationToken = default)
    {
        var system = await RequireAsync(systemId, cancellationToken);
        if (system.Filing is { } old && old.Id != filing.Id)
        {
            db.Filings.Remove(old);
            await db.SaveChangesAsync(cancellationToken);
        }

        filing.SystemId = systemId;
        system.Filing = filing;
        await db.SaveChangesAsync(cancellationToken);
        return filing;
    }

    /// <summary>Engages an agency for the system (idempotent).</summary>
    public async Task<AgencyAssignment> AssignAgencyAsync(Guid systemId, Guid agencyId, DateOnly assignedOn, CancellationToken cancellationToken = default)
    {
        var existing = await db.AgencyAssignments.FirstOrDefaultAsync(a => a.SystemId == systemId && a.AgencyId == agencyId, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var assignment = new AgencyAssignment { SystemId = systemId, AgencyId = agencyId, AssignedOn = assignedOn };
        db.AgencyAssignments.Add(assignment);
        await db.SaveChangesAsync(cancellationToken);
        return assignment;
    }

    public async Task<bool> UnassignAgencyAsync(Guid systemId, Guid agencyId, CancellationToken cancellationToken = default)
    {
        var existing = await db.AgencyAssignments.FirstOrDefaultAsync(a => a.SystemId == systemId && a.AgencyId == agencyId, cancellationToken);
        if (existing is null)
        {
            return false;
        }

        db.AgencyAssignments.Remove(existing);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<ProtectedSystem>> ListAssignedToAgencyAsync(Guid agencyId, CancellationToken cancellationToken = default) =>
        await db.Systems.AsNoTracking().Include(s => s.Grading)
            .Where(s => s.AgencyAssignments.Any(a => a.AgencyId == agencyId))
            .OrderBy(s => s.Name).ToListAsync(cancellationToken);

    public Task SaveAsync(CancellationToken cancellationToken = default) => db.SaveChangesAsync(cancellationToken);

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var system = await db.Systems.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (system is null)
        {
            return false;
        }

        db.Systems.Remove(system);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task<ProtectedSystem> RequireAsync(Guid systemId, CancellationToken cancellationToken) =>
        await db.Systems.Include(s => s.Grading).Include(s => s.Filing).FirstOrDefaultAsync(s => s.Id == systemId, cancellationToken)
        ?? throw new KeyNotFoundException($"找不到定级对象 {systemId}（不存在或不在当前权限范围内）");
}
