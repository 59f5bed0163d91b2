using MedGuard.Security.Passwords;

namespace MedGuard.Security.Tests;

public class PasswordTests
{
    [Fact]
    public void HashVerifiesOnlyTheSamePassword()
    {
        var hasher = new PasswordHasher();
        var stored = hasher.Hash("Zhang-San-2025!");
        Assert.StartsWith("pbkdf2-sha256$600000$", stored, StringComparison.Ordinal);
        Assert.True(hasher.Verify("Zhang-San-2025!", stored));
        Assert.False(hasher.Verify("Zhang-San-2025?", stored));
        Assert.NotEqual(stored, hasher.Hash("Zhang-San-2025!")); // salted
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // too few iterations
    [InlineData("pbkdf2-sha256$600000$!!$AAAA")]
    [InlineData("md5$abc")]
    public void MalformedOrWeakStoredHashNeverVerifies(string? stored) => Assert.False(new PasswordHasher().Verify("x", stored));

    [Fact]
    public void LowIterationCountIsRefused() => Assert.Throws<ArgumentOutOfRangeException>(() => new PasswordHasher(10_000));

    [Theory]
    [InlineData("Short1!", "u", "口令长度至少 10 位")]
    [InlineData("alllowercaseletters", "u", "至少 3 类")]
    [InlineData("Wangwu-2025-ok", "wangwu", "不得包含用户名")]
    [InlineData("Aaaa1111!!!!x", "u", "连续 4 个相同字符")]
    public void PolicyNamesTheBrokenRule(string password, string user, string expected) =>
        Assert.Contains(new PasswordPolicy().Check(password, user), p => p.Contains(expected, StringComparison.Ordinal));

    [Fact]
    public void PolicyAcceptsAStrongPassword() => Assert.Empty(new PasswordPolicy().Check("Yi-Dun#2025xq", "admin"));

    [Fact]
    public void FifthFailureLocksAndLockExpires()
    {
        var lockout = new LoginLockout();
        var now = DateTimeOffset.UtcNow;
        var failures = 0;
        DateTimeOffset? until = null;
        for (var i = 0; i < 4; i++)
        {
            (failures, until) = lockout.RegisterFailure(failures, now);
            Assert.Null(until);
        }

        (failures, until) = lockout.RegisterFailure(failures, now);
        Assert.True(lockout.IsLocked(until, now.AddMinutes(1)));
        Assert.False(lockout.IsLocked(until, now.AddMinutes(16)));
        Assert.Equal(0, failures);
    }
}
