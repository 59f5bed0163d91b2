using MedGuard.Domain.Assessment;
using MedGuard.Domain.Institutions;
using MedGuard.Domain.Platform;
using MedGuard.Security.Protection;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Providers;

namespace MedGuard.Server.Tests;

/// <summary>The audit of an update names each changed field with its old and new value, and never a sensitive value.</summary>
public sealed class ChangeAuditorTests
{
    [Fact]
    public void AnUpdateKeepsOldAndNewValuesAndMasksSensitiveOnes()
    {
        using var db = MedGuardContextFactory.Create(DatabaseTarget.Parse("Data Source=:memory:"));
        var task = new RectificationItem { Title = "修改弱口令", DueOn = new DateOnly(2026, 7, 1), Owner = "信息科", FixEvidence = Sm4FieldProtector.Prefix + "AAAA" };
        var contact = new InstitutionContact { Name = "张三", Phone = "13900000000" };
        var user = new PlatformUser { UserName = "u1", DisplayName = "用户", PasswordHash = "$argon2id$old", TotpSecretEncrypted = [1, 2, 3] };
        db.AttachRange(task, contact, user);

        task.DueOn = new DateOnly(2026, 8, 1);
        task.Status = RectificationStatus.InProgress;
        task.FixEvidence = Sm4FieldProtector.Prefix + "BBBB";
        contact.Phone = "13911111111";
        user.PasswordHash = "$argon2id$new";
        user.TotpSecretEncrypted = [4, 5, 6];
        db.ChangeTracker.DetectChanges();

        var taskDetail = ChangeAuditor.Changes(db.Entry(task));
        Assert.Contains("整改期限(DueOn): 2026-07-01 → 2026-08-01", taskDetail, StringComparison.Ordinal);
        Assert.Contains("状态(Status): Open → InProgress", taskDetail, StringComparison.Ordinal);
        Assert.Contains("整改证据(FixEvidence): （已加密） → （已加密）", taskDetail, StringComparison.Ordinal);
        Assert.DoesNotContain("BBBB", taskDetail, StringComparison.Ordinal);
        Assert.DoesNotContain("Owner", taskDetail, StringComparison.Ordinal); // unchanged fields are not listed

        var contactDetail = ChangeAuditor.Changes(db.Entry(contact));
        Assert.DoesNotContain("1391111", contactDetail, StringComparison.Ordinal);
        Assert.DoesNotContain("1390000", contactDetail, StringComparison.Ordinal);
        var userDetail = ChangeAuditor.Changes(db.Entry(user))!;
        Assert.DoesNotContain("argon2id", userDetail, StringComparison.Ordinal);
        Assert.Contains("口令(PasswordHash)", userDetail, StringComparison.Ordinal);
        Assert.Contains("动态口令密钥(TotpSecretEncrypted): （已加密） → （已加密）", userDetail, StringComparison.Ordinal);
    }
}
