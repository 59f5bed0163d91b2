using System.Security.Cryptography;

namespace MedGuard.Security.Protection;

/// <summary>
/// Keys kept in files outside the database (so a copy of the database alone reveals nothing and cannot be re-sealed):
/// the SM4 field key (128 bits) and the audit chain's HMAC-SM3 key (<see cref="AuditKeyBytes"/>). Created on first
/// use with mode 0600; the content is the key in hex on one line.
/// </summary>
public static class FieldKeyFile
{
    public const int KeyBytes = 16;

    /// <summary>The audit chain's HMAC-SM3 key: 256 bits, the size of an SM3 output.</summary>
    public const int AuditKeyBytes = 32;

    /// <summary>Reads the SM4 key at <paramref name="path"/>, creating the file (and its folder) when it does not exist.</summary>
    public static byte[] LoadOrCreate(string path) => LoadOrCreate(path, KeyBytes);

    /// <summary>Reads a key of <paramref name="keyBytes"/> bytes, creating it (0600) when the file does not exist.</summary>
    public static byte[] LoadOrCreate(string path, int keyBytes)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return Read(full, keyBytes);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var key = RandomNumberGenerator.GetBytes(keyBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // Written beside and moved into place without overwriting: another process (the server and a worker starting
        // together) sees either no key file or a whole one, never a half-written one, and the first to arrive wins.
        var temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var writer = new StreamWriter(new FileStream(temporary, options)))
            {
                writer.WriteLine(Convert.ToHexStringLower(key));
            }

            File.Move(temporary, full, overwrite: false);
        }
        catch (IOException) when (File.Exists(full))
        {
            File.Delete(temporary);
            return Read(full, keyBytes); // another process created it first: use theirs
        }

        return key;
    }

    /// <summary>Reads an existing key file (never creates one: a verifier must not invent a key).</summary>
    public static byte[] Read(string path, int keyBytes)
    {
        var full = Path.GetFullPath(path);
        var text = File.ReadAllText(full).Trim();
        byte[] key;
        try
        {
            key = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"密钥文件 {full} 内容无效（应为 {keyBytes * 2} 个十六进制字符）");
        }

        return key.Length == keyBytes ? key : throw new InvalidDataException($"密钥文件 {full} 长度错误（应为 {keyBytes * 8} 位）");
    }
}
