using System.Text;
using System.Text.RegularExpressions;

namespace MedGuard.Domain.PersonalData;

public enum PersonalDataKind
{
    ResidentId,
    BankCard,
    Mobile,
    Name,
}

/// <summary>One personal datum found in a response, already masked: the clear value is never kept.</summary>
public sealed record PersonalDataHit(PersonalDataKind Kind, string Masked);

/// <summary>
/// Finds resident ID numbers (with the GB 11643 check digit), bank card numbers (Luhn and issuer), mobile numbers and
/// Chinese names near them, and masks them. Every piece of evidence the web scanner stores passes through
/// <see cref="Mask"/>, so an unmasked value is never stored or printed.
/// </summary>
public static partial class PersonalDataScanner
{
    private const int MaxScanChars = 2 * 1024 * 1024;
    private const int NameWindow = 60;

    // 百家姓 common surnames: a 2–3 character Han word starting with one of them, near an ID or card, is taken as a name.
    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";

    public static IReadOnlyList<PersonalDataHit> Find(string text)
    {
        var hits = new List<PersonalDataHit>();
        Scan(text, hits, null);
        return hits;
    }

    /// <summary>Returns <paramref name="text"/> with every ID, card, mobile number and nearby name masked.</summary>
    public static string Mask(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var sb = new StringBuilder(text);
        Scan(text, null, sb);
        return sb.ToString();
    }

    private static void Scan(string text, List<PersonalDataHit>? hits, StringBuilder? masked)
    {
        var span = text.Length > MaxScanChars ? text[..MaxScanChars] : text;
        var sensitiveAt = new List<(int Index, int Length)>();
        foreach (Match m in DigitRun().Matches(span))
        {
            var v = m.Value;
            string? mask = null;
            PersonalDataKind kind;
            if (v.Length == 18 && ResidentIdNumber.IsValid(v))
            {
                kind = PersonalDataKind.ResidentId;
                mask = ResidentIdNumber.Mask(v);
            }
            else if (BankCardNumber.IsValid(v))
            {
                kind = PersonalDataKind.BankCard;
                mask = BankCardNumber.Mask(v);
            }
            else if (v.Length == 11 && MobilePattern().IsMatch(v))
            {
                kind = PersonalDataKind.Mobile;
                mask = v[..3] + "****" + v[7..];
            }
            else
            {
                continue;
            }

            hits?.Add(new PersonalDataHit(kind, mask));
            Replace(masked, m.Index, mask);
            if (kind != PersonalDataKind.Mobile)
            {
                sensitiveAt.Add((m.Index, m.Length));
            }
        }

        // Card numbers as printed on receipts and forms, in groups: 6222 0212 3456 7890 128, 6222-0212-….
        foreach (Match m in GroupedDigits().Matches(span))
        {
            var digits = string.Concat(m.Value.Where(char.IsAsciiDigit));
            if (!BankCardNumber.IsValid(digits))
            {
                continue;
            }

            var mask = BankCardNumber.MaskKeepingSeparators(m.Value);
            hits?.Add(new PersonalDataHit(PersonalDataKind.BankCard, mask));
            Replace(masked, m.Index, mask);
            sensitiveAt.Add((m.Index, m.Length));
        }

        // Names only count near an ID or card: alone, a surname-led word is too often ordinary text.
        var seen = new HashSet<int>();
        foreach (var (index, length) in sensitiveAt)
        {
            var from = Math.Max(0, index - NameWindow);
            var to = Math.Min(span.Length, index + length + NameWindow);
            foreach (Match n in NameCandidate().Matches(span[from..to]))
            {
                var at = from + n.Index;
                if (!Surnames.Contains(n.Value[0]) || !seen.Add(at))
                {
                    continue;
                }

                var maskedName = n.Value[0] + new string('*', n.Value.Length - 1);
                hits?.Add(new PersonalDataHit(PersonalDataKind.Name, maskedName));
                Replace(masked, at, maskedName);
            }
        }
    }

    private static void Replace(StringBuilder? sb, int index, string replacement)
    {
        if (sb is null)
        {
            return;
        }

        // Same length in, same length out, so earlier offsets stay valid.
        for (var i = 0; i < replacement.Length; i++)
        {
            sb[index + i] = replacement[i];
        }
    }

    [GeneratedRegex(@"(?<![0-9A-Za-z])\d{11,19}[Xx]?(?![0-9A-Za-z])")]
    private static partial Regex DigitRun();

    // 4-4-4-4 with an optional tail of up to 3 (19-digit UnionPay), or Amex's 4-6-5; one separator kind throughout; not
    // part of a longer run of groups (a serial number, a list of phone numbers).
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?<![0-9][ \-])(?:\d{4}(?<s>[ \-])\d{4}\k<s>\d{4}\k<s>\d{4}(?:\k<s>\d{1,3})?|\d{4}(?<t>[ \-])\d{6}\k<t>\d{5})(?![0-9A-Za-z])(?![ \-][0-9])")]
    private static partial Regex GroupedDigits();

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex MobilePattern();

    // A 2–3 Han character word standing alone (between tags, spaces, punctuation), not part of a longer phrase.
    [GeneratedRegex(@"(?<![\u4e00-\u9fa5])[\u4e00-\u9fa5]{2,3}(?![\u4e00-\u9fa5])")]
    private static partial Regex NameCandidate();
}
