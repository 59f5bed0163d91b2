using System.Text.RegularExpressions;

namespace MedGuard.Domain.Findings;

/// <summary>
/// Masks personal data in evidence before it is shown (个人信息去标识化, GB/T 35273): mainland ID numbers, mobile
/// numbers, bank card numbers, e-mail local parts, and the Chinese name after a 姓名/患者 label. Keeps enough to
/// recognize the record (first and last characters) so an operator can still tell two records apart.
/// </summary>
public static partial class EvidenceMask
{
    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        // ID numbers first: their digits would otherwise be taken for a phone or card number.
        var masked = IdNumber().Replace(text, m => m.Value[..6] + new string('*', 8) + m.Value[14..]);
        masked = BankCard().Replace(masked, m => m.Value[..4] + new string('*', m.Value.Length - 8) + m.Value[^4..]);
        masked = Mobile().Replace(masked, m => m.Value[..3] + "****" + m.Value[^4..]);
        masked = Email().Replace(masked, m => m.Groups["local"].Value[..1] + "***@" + m.Groups["domain"].Value);
        masked = LabelledName().Replace(masked, m => m.Groups["label"].Value + m.Groups["name"].Value[..1] + new string('*', m.Groups["name"].Value.Length - 1));
        return masked;
    }

    /// <summary>Masks every value of an evidence map.</summary>
    public static IReadOnlyDictionary<string, string> Mask(IReadOnlyDictionary<string, string> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return evidence.ToDictionary(e => e.Key, e => Mask(e.Value), StringComparer.Ordinal);
    }

    // 18 characters: 6-digit region, birth date (19xx/20xx, month, day), 3-digit sequence, check digit or X.
    [GeneratedRegex(@"(?<!\d)[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])")]
    private static partial Regex IdNumber();

    // Mainland mobile numbers: 1, then 3-9, then 9 digits.
    [GeneratedRegex(@"(?<!\d)1[3-9]\d{9}(?!\d)")]
    private static partial Regex Mobile();

    // Bank cards: 16 to 19 digits (UnionPay cards start with 62, others 3-6).
    [GeneratedRegex(@"(?<!\d)[3-6]\d{15,18}(?!\d)")]
    private static partial Regex BankCard();

    [GeneratedRegex(@"(?<local>[A-Za-z0-9._%+\-]+)@(?<domain>[A-Za-z0-9.\-]+\.[A-Za-z]{2,})")]
    private static partial Regex Email();

    // A Chinese name of 2-4 characters after 姓名 / 患者 / 患者姓名 and an optional separator (：: = " space) — but not
    // another field's label (患者身份证, 患者手机号…), which is no name.
    [GeneratedRegex(@"(?<label>(?:患者姓名|姓名|患者)[\s""']*[:：=]?[\s""']*)(?!身份|证件|手机|电话|编号|住址|地址|年龄|性别|信息|卡号|病历|就诊|来源|列表|档案|类型|ID)(?<name>[\u4e00-\u9fa5·]{2,4})")]
    private static partial Regex LabelledName();
}
