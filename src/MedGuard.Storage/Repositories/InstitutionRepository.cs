using MedGuard.Domain.Institutions;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Storage.Repositories;

/// <summary>What to list institutions by; every part is optional.</summary>
public sealed record InstitutionQuery
{
    /// <summary>Region prefix (行政区划), e.g. 33 or 3301.</summary>
    public string? RegionPrefix { get; init; }

    public HospitalTier? Tier { get; init; }

    public bool? DirectlyAffiliated { get; init; }

    /// <summary>Part of the name.</summary>
    public string? NameContains { get; init; }
}

/// <summary>Institutions (医疗机构) with their contacts and survey answers, inside the context's tenant scope.</summary>
public sealed class InstitutionRepository(MedGuardDbContext db)
{
    public async Task<Institution> AddAsync(Institution institution, CancellationToken cancellationToken = default)
    {
        db.Institutions.Add(institution);
        await db.SaveChangesAsync(cancellationToken);
        return institution;
    }

    public Task<Institution?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.Institutions.Include(i => i.Contacts).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);

    public async Task<IReadOnlyList<Institution>> ListAsync(InstitutionQuery? query = null, CancellationToken cancellationToken = default)
    {
        IQueryable<Institution> q = db.Institutions.AsNoTracking();
        if (query?.RegionPrefix is { Length: > 0 } region)
        {
            q = q.Where(i => i.Region.StartsWith(region));
        }

        if (query?.Tier is { } tier)
        {
            q = q.Where(i => i.Tier == tier);
        }

        if (query?.DirectlyAffiliated is { } affiliated)
        {
            q = q.Where(i => i.DirectlyAffiliated == affiliated);
        }

        if (query?.NameContains is { Length: > 0 } name)
        {
            q = q.Where(i => i.Name.Contains(name));
        }

        return await q.OrderBy(i => i.Region).ThenBy(i => i.Name).ToListAsync(cancellationToken);
    }

    /// <summary>Saves changes made to institutions loaded through this repository's context.</summary>
    public Task SaveAsync(CancellationToken cancellationToken = default) => db.SaveChangesAsync(cancellationToken);

    /// <summary>Deletes the institution and, by cascade, its contacts, systems and everything under them.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var institution = await db.Institutions.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (institution is null)
        {
            return false;
        }

        db.Institutions.Remove(institution);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyDictionary<HospitalTier, int>> CountByTierAsync(CancellationToken cancellationToken = default)
    {
        var rows = await db.Institutions.GroupBy(i => i.Tier).Select(g => new { Tier = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Tier, r => r.Count);
    }
}
