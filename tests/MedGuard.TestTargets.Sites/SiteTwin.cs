namespace MedGuard.TestTargets.Sites;

/// <summary>Every test site comes as a pair: the flaw present, and the same site with it fixed.</summary>
public enum SiteTwin
{
    /// <summary>The flaw is present: the scan must report it from the site's root.</summary>
    Vulnerable,

    /// <summary>The same site with the flaw fixed: the scan must report none of the vulnerable twin's findings.</summary>
    Fixed,
}
