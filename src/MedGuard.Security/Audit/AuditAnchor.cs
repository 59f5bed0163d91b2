using System.Globalization;

namespace MedGuard.Security.Audit;

/// <summary>
/// The chain's head (last sequence and hash) kept in a file outside the database. A chain alone cannot show that its
/// last entries were cut off; the anchor can. The writer advances it only when the database's head still matches it,
/// so after a truncation the old anchor stays as evidence and every later verification reports it.
/// </summary>
public sealed record AuditAnchor(long Sequence, string Hash)
{
    public static AuditAnchor? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? new AuditAnchor(sequence, parts[1])
            : throw new InvalidDataException($"审计链头锚点文件 {path} 格式错误");
    }

    /// <summary>Replaces the file atomically (write beside, then rename), owner-only.</summary>
    public void Write(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // A name of its own per writer: two processes sharing the keys folder must not rename each other's half-written file.
        var temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(new FileStream(temporary, options)))
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Sequence} {Hash}"));
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Whether a chain whose verified entries are <paramref name="records"/> still contains this head.</summary>
    public string? Check(IReadOnlyList<AuditRecord> records)
    {
        var last = records.Count == 0 ? 0 : records[^1].Sequence;
        if (last < Sequence)
        {
            return $"末尾第 {last + 1}–{Sequence} 条记录已被删除（链头锚点记录到第 {Sequence} 条）";
        }

        var atAnchor = records.FirstOrDefault(r => r.Sequence == Sequence);
        return atAnchor is not null && !string.Equals(atAnchor.Hash, Hash, StringComparison.Ordinal)
            ? $"第 {Sequence} 条记录与链头锚点不符（末尾记录被删除后又写入了新记录）"
            : null;
    }
}
