using System.Security.Cryptography;

namespace MedGuard.Security.Protection;

/// <summary>
/// The SM4 key for sensitive fields, kept in a file outside the database (so a copy of the database alone reveals
/// nothing). Created on first use with mode 0600; its content is the 128-bit key in hex on one line.
/// </summary>
public static class FieldKeyFile
{
    public const int KeyBytes = 16;

    /// <summary>Reads the key at <paramref name="path"/>, creating the file (and its folder) when it does not exist.</summary>
    public static byte[] LoadOrCreate(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            return Read(full);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var stream = new FileStream(full, options);
            using var writer = new StreamWriter(stream);
            writer.WriteLine(Convert.ToHexStringLower(key));
        }
        catch (IOException) when (File.Exists(full))
        {
            // Another process created it between our check and our write: use theirs.
            return Read(full);
        }

        return key;
    }

    private static byte[] Read(string full)
    {
        var text = File.ReadAllText(full).Trim();
        byte[] key;
        try
        {
            key = Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"SM4 密钥文件 {full} 内容无效（应为 32 个十六进制字符）");
        }

        return key.Length == KeyBytes ? key : throw new InvalidDataException($"SM4 密钥文件 {full} 长度错误（应为 128 位）");
    }
}
