namespace MedGuard.Domain.PersonalData;

/// <summary>公民身份号码 (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit sequence, ISO 7064 MOD 11-2 check digit.</summary>
public static class ResidentIdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    public static char CheckDigit(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckChars[sum % 11];
    }

    public static bool IsValid(ReadOnlySpan<char> id)
    {
        if (id.Length != 18)
        {
            return false;
        }

        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return false;
            }
        }

        // Province codes run 11–82; the birth date must be a real day after 1900 and not in the future.
        var province = ((id[0] - '0') * 10) + (id[1] - '0');
        if (province is < 11 or > 82)
        {
            return false;
        }

        if (!int.TryParse(id.Slice(6, 4), out var y) || !int.TryParse(id.Slice(10, 2), out var m) || !int.TryParse(id.Slice(12, 2), out var d)
            || y < 1900 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m) || new DateTime(y, m, d) > DateTime.Today)
        {
            return false;
        }

        return char.ToUpperInvariant(id[17]) == CheckDigit(id[..17]);
    }

    /// <summary>Keeps the area and the last two characters: 110105**********1X.</summary>
    public static string Mask(string id) => id[..6] + new string('*', 10) + id[16..];
}
