namespace MedGuard.Domain.PersonalData;

/// <summary>Payment card numbers: 16–19 digits, a known issuer prefix (UnionPay 62, Visa 4, Mastercard 51–55/2221–2720, JCB 35, Amex 34/37 at 15) and the Luhn check.</summary>
public static class BankCardNumber
{
    public static bool IsValid(ReadOnlySpan<char> digits)
    {
        if (digits.Length is < 15 or > 19)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        var plausible = digits.Length == 15
            ? digits.StartsWith("34") || digits.StartsWith("37")
            : digits.StartsWith("62") || digits[0] == '4' || digits.StartsWith("35")
              || (digits[0] == '5' && digits[1] is >= '1' and <= '5')
              || (int.TryParse(digits[..4], out var p) && p is >= 2221 and <= 2720);
        return plausible && Luhn(digits);
    }

    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>First 6 (issuer) and last 4 kept, as bank statements print them: 622202******1234.</summary>
    public static string Mask(string card) => card[..6] + new string('*', card.Length - 10) + card[^4..];

    /// <summary>The same mask on a grouped number, separators kept: 6222 02** **** 1234.</summary>
    public static string MaskKeepingSeparators(string grouped)
    {
        var total = grouped.Count(char.IsAsciiDigit);
        var chars = grouped.ToCharArray();
        var digit = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiDigit(chars[i]))
            {
                continue;
            }

            if (digit >= 6 && digit < total - 4)
            {
                chars[i] = '*';
            }

            digit++;
        }

        return new string(chars);
    }
}
