namespace MedGuard.Domain.Findings;

/// <summary>
/// One citation of GB/T 22239 in a detector's rule data: the GB/T 28448 unit code (L3-CES1-18) and where it is written,
/// so that a check that owns the catalog (MedGuard.Standards' StandardRefIntegrity) can name the file and the line of a
/// code that does not exist. Engines expose these from their embedded data; they cannot resolve them themselves
/// (an engine never references the standards library).
/// </summary>
public sealed record StandardRefSite(string File, int Line, string Code)
{
    public override string ToString() => $"{File}:{Line}: {Code}";
}
