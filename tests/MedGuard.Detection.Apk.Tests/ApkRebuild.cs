using System.IO.Compression;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>Builds test APKs from the real ones: entries replaced, added or dropped (a packer's library, a corrupted
/// DEX), the rest copied as they are.</summary>
internal static class ApkRebuild
{
    public static byte[] From(string apk, IReadOnlyDictionary<string, byte[]?> changes)
    {
        using var source = ZipFile.OpenRead(TestApks.PathOf(apk));
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                if (changes.ContainsKey(entry.FullName))
                {
                    continue;
                }

                using var from = entry.Open();
                using var to = zip.CreateEntry(entry.FullName, CompressionLevel.Fastest).Open();
                from.CopyTo(to);
            }

            foreach (var (name, data) in changes)
            {
                if (data is not null)
                {
                    using var to = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                    to.Write(data);
                }
            }
        }

        return ms.ToArray();
    }

    public static byte[] Entry(string apk, string name)
    {
        using var source = ZipFile.OpenRead(TestApks.PathOf(apk));
        using var s = source.GetEntry(name)!.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
