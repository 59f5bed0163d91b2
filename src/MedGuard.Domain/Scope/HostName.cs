namespace MedGuard.Domain.Scope;

/// <summary>Host names as a scope file and a target list write them.</summary>
public static class HostName
{
    /// <summary>RFC 1123 host name: letters, digits, hyphens and dots, labels of 1–63, total up to 253.</summary>
    public static bool IsValid(string text)
    {
        if (text.Length is 0 or > 253 || text.StartsWith('.') || text.Contains(".."))
        {
            return false;
        }

        foreach (var label in text.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-'))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        foreach (var c in text)
        {
            if (char.IsAsciiLetter(c))
            {
                return true;
            }
        }

        return false;
    }
}
