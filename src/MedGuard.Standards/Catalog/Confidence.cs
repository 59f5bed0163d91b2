namespace MedGuard.Standards.Catalog;

/// <summary>How sure a catalog text is (DOMAIN.md's marks): only verified texts may be quoted as the standard's.</summary>
public enum Confidence
{
    Verified,  // agreed by independent public sources
    Secondary, // one transcription, not checked against the official text
    Unsure,    // recalled, not checked
}

public static class ConfidenceNames
{
    public static string ToChinese(this Confidence c) => c switch
    {
        Confidence.Verified => "已核实",
        Confidence.Secondary => "二手转录",
        _ => "待核实",
    };

    public static bool TryParse(string text, out Confidence confidence)
    {
        switch (text)
        {
            case "verified": confidence = Confidence.Verified; return true;
            case "secondary": confidence = Confidence.Secondary; return true;
            case "unsure": confidence = Confidence.Unsure; return true;
            default: confidence = default; return false;
        }
    }
}
