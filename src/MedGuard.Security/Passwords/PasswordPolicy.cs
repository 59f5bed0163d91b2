namespace MedGuard.Security.Passwords;

/// <summary>
/// 口令复杂度 — the complexity rule for user passwords (GB/T 22239 8.1.4.1 a): unique identity, password complexity).
/// Our documented choice: at least 10 characters from at least three of four classes (upper, lower, digit, symbol),
/// not containing the user name, no character repeated four times in a row.
/// </summary>
public sealed class PasswordPolicy
{
    public int MinimumLength { get; init; } = 10;

    public int MinimumClasses { get; init; } = 3;

    /// <summary>Every rule the password breaks, in Chinese; empty when it is acceptable.</summary>
    public IReadOnlyList<string> Check(string password, string userName)
    {
        var problems = new List<string>();
        password ??= "";
        if (password.Length < MinimumLength)
        {
            problems.Add($"口令长度至少 {MinimumLength} 位");
        }

        if (password.Length > 128)
        {
            problems.Add("口令长度不得超过 128 位");
        }

        var classes = (password.Any(char.IsUpper) ? 1 : 0) + (password.Any(char.IsLower) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < MinimumClasses)
        {
            problems.Add($"口令须包含大写字母、小写字母、数字、特殊字符中的至少 {MinimumClasses} 类");
        }

        if (!string.IsNullOrEmpty(userName) && password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("口令不得包含用户名");
        }

        for (var i = 3; i < password.Length; i++)
        {
            if (password[i] == password[i - 1] && password[i] == password[i - 2] && password[i] == password[i - 3])
            {
                problems.Add("口令不得包含连续 4 个相同字符");
                break;
            }
        }

        return problems;
    }
}
