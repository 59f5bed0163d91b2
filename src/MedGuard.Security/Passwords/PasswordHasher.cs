using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MedGuard.Security.Passwords;

/// <summary>
/// PBKDF2-HMAC-SHA256 password hashes (等保 三级 身份鉴别: stored passwords must resist offline guessing). The stored
/// form carries its own iteration count, so the count can be raised later without invalidating existing hashes:
/// <c>pbkdf2-sha256$600000$salt$hash</c> (salt and hash in base64).
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA256; anything lower is refused on verify as too weak.</summary>
    public const int MinimumIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public PasswordHasher(int iterations = MinimumIterations)
    {
        if (iterations < MinimumIterations)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, $"PBKDF2 迭代次数不得低于 {MinimumIterations}");
        }

        Iterations = iterations;
    }

    public int Iterations { get; }

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="password"/> matches; false for a wrong password or a malformed stored hash.</summary>
    public bool Verify(string password, string? stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        var parts = stored?.Split('$');
        if (parts is not { Length: 4 } || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < MinimumIterations || iterations > 10_000_000)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        if (salt.Length < 8 || expected.Length != HashBytes)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A hash of a random password: verifying against it costs the same time as a real one, so a login for
    /// an unknown user name takes as long as one for a known user (no user enumeration by timing).</summary>
    public static string DummyHash => Dummy.Value;

    private static readonly Lazy<string> Dummy = new(() => new PasswordHasher().Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
}
