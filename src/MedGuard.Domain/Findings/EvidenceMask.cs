using System.Text.RegularExpressions;
using MedGuard.Domain.PersonalData;

namespace MedGuard.Domain.Findings;

/// <summary>
/// Masks personal data in evidence before it is shown (个人信息去标识化, GB/T 35273). First the detectors' own masking
/// (<see cref="PersonalDataScanner"/>: ID numbers with a valid check digit, bank cards passing Luhn, mobile numbers,
/// names near them), then what only display needs: numbers shaped like an ID or a card that fail the check (a mistyped
/// number is still someone's), e-mail local parts, and the Chinese name after a 姓名/患者 label. The formats are the
/// scanner's, so evidence masked by a detector and by the platform reads the same.
/// </summary>
public static partial class EvidenceMask
{
    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var masked = PersonalDataScanner.Mask(text);
        masked = IdNumber().Replace(masked, m => ResidentIdNumber.Mask(m.Value));
        masked = BankCard().Replace(masked, m => BankCardNumber.Mask(m.Value));
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
