using MedGuard.Domain.Inventory;

namespace MedGuard.Storage.Inventory;

/// <summary>
/// An authorization's terms without its letter: the letter's bytes (up to 10 MB each) stay in the database unless the
/// letter itself is wanted, so lists, the importer's check and a scan's scope never load them.
/// </summary>
public static class AuthorizationTerms
{
    public static IQueryable<AssetAuthorization> WithoutLetter(this IQueryable<AssetAuthorization> query) =>
        query.Select(z => new AssetAuthorization
        {
            Id = z.Id,
            AssetId = z.AssetId,
            InstitutionId = z.InstitutionId,
            AuthorizedBy = z.AuthorizedBy,
            LetterFileName = z.LetterFileName,
            LetterSha256 = z.LetterSha256,
            ValidFrom = z.ValidFrom,
            ValidUntil = z.ValidUntil,
            Detectors = z.Detectors,
            AllowedWindow = z.AllowedWindow,
            MaxRatePerHost = z.MaxRatePerHost,
            CreatedAt = z.CreatedAt,
            RevokedAt = z.RevokedAt,
        });
}
