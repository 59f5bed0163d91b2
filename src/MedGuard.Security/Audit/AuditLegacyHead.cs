using System.Globalization;
using System.Text;

namespace MedGuard.Security.Audit;

/// <summary>
/// Where the unkeyed (plain SM3) part of an upgraded chain ends, kept beside the key outside the database: entries
/// 1..<see cref="Sequence"/> were written before the chain was keyed and are checked with plain SM3, entry
/// <see cref="Sequence"/> must still have <see cref="Hash"/>, and entries after it are HMAC-SM3-sealed. Someone who
/// can write the database could re-hash the plain part after an edit; the pinned head catches that, and the
/// per-entry <see cref="Fingerprints"/> (the first 8 hex digits of each legacy hash, taken at the upgrade) name the
/// row that was edited rather than only "somewhere in 1..N".
/// </summary>
/// <remarks>File format: the first line <c>sequence hash</c>, then one fingerprint per line for entries 1..N.</remarks>
public sealed record AuditLegacyHead(long Sequence, string Hash, IReadOnlyList<string> Fingerprints)
{
    public const int FingerprintLength = 8;

    /// <summary>The file's name, beside the audit chain's key.</summary>
    public const string FileName = "audit-chain.legacy";

    /// <summary>Where the record lives for the key file at <paramref name="keyPath"/>.</summary>
    public static string PathBeside(string keyPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(keyPath))!, FileName);

    /// <summary>The record for a chain whose entries <paramref name="records"/> (in order) are all legacy. A gap keeps
    /// a placeholder so fingerprint n stays entry n's (the gap itself is reported by the walk).</summary>
    public static AuditLegacyHead Of(IReadOnlyList<AuditRecord> records)
    {
        if (records.Count == 0)
        {
            return new(0, AuditChain.GenesisHash, []);
        }

        var bySequence = records.GroupBy(r => r.Sequence).ToDictionary(g => g.Key, g => g.First().Hash);
        var last = records[^1];
        var fingerprints = new List<string>();
        for (long sequence = 1; sequence <= last.Sequence; sequence++)
        {
            fingerprints.Add(bySequence.TryGetValue(sequence, out var hash) ? Fingerprint(hash) : "-");
        }

        return new(last.Sequence, last.Hash, fingerprints);
    }

    public static string Fingerprint(string hash) => hash.Length <= FingerprintLength ? hash : hash[..FingerprintLength];

    /// <summary>The fingerprint pinned for entry <paramref name="sequence"/>, when the file has one.</summary>
    public string? FingerprintOf(long sequence) =>
        sequence >= 1 && sequence <= Fingerprints.Count ? Fingerprints[(int)(sequence - 1)] : null;

    public static AuditLegacyHead? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var head = lines.Count == 0 ? [] : lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return head.Length == 2 && long.TryParse(head[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? new AuditLegacyHead(sequence, head[1], lines.Skip(1).ToList())
            : throw new InvalidDataException($"旧版审计链记录文件 {path} 格式错误");
    }

    /// <summary>Writes the file owner-only (0600), atomically (write beside, then rename).</summary>
    public void Write(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(temporary, options), new UTF8Encoding(false)))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Sequence} {Hash}"));
            foreach (var fingerprint in Fingerprints)
            {
                writer.WriteLine(fingerprint);
            }
        }

        File.Move(temporary, full, overwrite: true);
    }
}
