using System.Security.Cryptography;
using System.Text;
using MedGuard.Security.Passwords;
using MedGuard.Security.Protection;
using MedGuard.Security.Totp;
using MedGuard.Server.Accounts;
using MedGuard.Server.Auditing;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;

namespace MedGuard.Server.Demo;

/// <summary>One demo account as printed at first start.</summary>
public sealed record DemoAccount(string UserName, string DisplayName, string Role, string Password, string? TotpSecret);

/// <summary>The demo accounts of a freshly loaded province, printed once and kept in a 0600 file.</summary>
public sealed record DemoCredentials(IReadOnlyList<DemoAccount> Accounts)
{
    public DemoAccount this[string userName] => Accounts.First(a => a.UserName == userName);

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine("已载入演示数据（北京市演示省份：1 个监管部门、22 家直属机构、数百家医院）。演示账号：");
        foreach (var a in Accounts)
        {
            text.Append("  ").Append(a.UserName.PadRight(10)).Append(" 口令 ").Append(a.Password)
                .Append(a.TotpSecret is null ? "  （无需动态口令）" : $"  动态口令密钥 {a.TotpSecret}")
                .Append("  ").Append(a.Role).Append(' ').AppendLine(a.DisplayName);
        }

        text.AppendLine("动态口令：在身份验证器 App 中手工添加上面的密钥（TOTP，30 秒，6 位），或运行 `oathtool --totp -b 密钥`。");
        return text.ToString();
    }

    public void WriteTo(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(new FileStream(full, options));
        writer.Write(Describe());
    }
}

/// <summary>Writes a generated province into an empty database, with fresh passwords and TOTP secrets.</summary>
public sealed class DemoLoader(DatabaseTarget database, PasswordHasher hasher, Sm4FieldProtector protector, AuditTrail audit)
{
    public async Task<DemoCredentials> LoadAsync(DemoProvince province)
    {
        var accounts = new List<DemoAccount>();
        foreach (var user in province.Users)
        {
            var password = NewPassword();
            user.PasswordHash = hasher.Hash(password);
            // Every role needs 动态口令 (each sees findings): every demo account is enrolled, its secret printed.
            var secret = TotpAuthenticator.NewSecret();
            user.TotpSecretEncrypted = protector.ProtectBytes(Encoding.ASCII.GetBytes(secret), AccountService.TotpPurpose);
            user.TotpEnabled = true;

            accounts.Add(new DemoAccount(user.UserName, user.DisplayName, Hosting.ClaimNames.RoleChinese(user.Role), password, secret));
        }

        foreach (var contact in province.Institutions.SelectMany(i => i.Contacts))
        {
            contact.Phone = contact.Phone is null ? null : protector.Protect(contact.Phone, SensitiveFields.ContactPhone);
        }

        foreach (var task in province.Institutions.SelectMany(i => i.Systems).SelectMany(s => s.Rectifications))
        {
            task.FixEvidence = task.FixEvidence is null ? null : protector.Protect(task.FixEvidence, SensitiveFields.FixEvidence);
        }

        await using (var db = MedGuardContextFactory.Create(database))
        {
            db.Agencies.AddRange(province.Agencies);
            db.Institutions.AddRange(province.Institutions);
            db.Users.AddRange(province.Users);
            await db.SaveChangesAsync();
        }

        await audit.RecordAsync(new AuditEvent("demo-load", "Province", DemoProvince.RegionCode,
            $"载入演示数据：{province.Institutions.Count} 家机构，{province.Institutions.Sum(i => i.Systems.Count)} 个定级对象，{province.Users.Count} 个账号"));
        return new DemoCredentials(accounts);
    }

    /// <summary>A random password that meets the policy: 14 characters over all four classes.</summary>
    private static string NewPassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", lower = "abcdefghijkmnpqrstuvwxyz", digits = "23456789", symbols = "#%+-=@";
        var chars = new List<char>
        {
            upper[RandomNumberGenerator.GetInt32(upper.Length)],
            lower[RandomNumberGenerator.GetInt32(lower.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)],
            symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        const string all = upper + lower + digits;
        while (chars.Count < 14)
        {
            chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        }

        return new string([.. chars.OrderBy(_ => RandomNumberGenerator.GetInt32(1000))]);
    }
}
