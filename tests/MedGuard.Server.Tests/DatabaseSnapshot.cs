using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Tests;

/// <summary>
/// A fingerprint of every tenant-owned table (all rows, all columns that a user could change), read in the system
/// scope: equal before and after means nothing was changed. Login bookkeeping and the audit log are left out — they
/// are supposed to grow with every attempt.
/// </summary>
internal static class DatabaseSnapshot
{
    public static async Task<string> TakeAsync(PlatformFixture platform)
    {
        await using var db = MedGuardContextFactory.Create(platform.Target);
        var parts = new List<object>
        {
            await db.Institutions.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.InstitutionContacts.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.Systems.AsNoTracking().OrderBy(x => x.Id).Select(s => new { s.Id, s.InstitutionId, s.Name, s.Type, s.Business, s.IsCore, s.IsCriticalInfrastructure }).ToListAsync(),
            await db.Gradings.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.Filings.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.Assessments.AsNoTracking().OrderBy(x => x.Id).Select(a => new { a.Id, a.SystemId, a.Level, a.Conclusion, a.Score, a.AssessedOn, a.Kind, a.AgencyId }).ToListAsync(),
            await db.ItemResults.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.Rectifications.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.ExtensionRequests.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.Agencies.AsNoTracking().OrderBy(x => x.Id).Select(a => new { a.Id, a.Name }).ToListAsync(),
            await db.AgencyAssignments.AsNoTracking().OrderBy(x => x.Id).Select(a => new { a.Id, a.AgencyId, a.SystemId, a.AssignedOn, a.EndsOn }).ToListAsync(),
            // The findings spine (issue 12): assets, their authorizations (terms and letter hash), findings, history, runs, proposals.
            await db.Assets.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.AssetAuthorizations.AsNoTracking().OrderBy(x => x.Id).Select(z => new { z.Id, z.AssetId, z.InstitutionId, z.AuthorizedBy, z.LetterSha256, z.ValidFrom, z.ValidUntil, z.Detectors, z.RevokedAt }).ToListAsync(),
            await db.Findings.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.FindingSightings.AsNoTracking().OrderBy(x => x.FindingId).ThenBy(x => x.ImportId).ToListAsync(),
            await db.FindingStatusChanges.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.DetectionImports.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.FindingProposals.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            // Candidate assets from apps (issue 18 §5): their state and decisions.
            await db.AssetCandidates.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            // Campaigns (issue 14): the plans, their rounds and tasks, the stop switches.
            await db.Campaigns.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.CampaignRounds.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.CampaignTasks.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.DetectionStops.AsNoTracking().OrderBy(x => x.Id).ToListAsync(),
            await db.Users.AsNoTracking().OrderBy(x => x.Id).Select(u => new { u.Id, u.UserName, u.Role, u.Region, u.InstitutionId, u.AgencyId, u.PasswordHash, u.TotpEnabled, u.Disabled, u.MustChangePassword }).ToListAsync(),
        };
        var json = JsonSerializer.Serialize(parts);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
