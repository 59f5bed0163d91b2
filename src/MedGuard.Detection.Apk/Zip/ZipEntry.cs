namespace MedGuard.Detection.Apk.Zip;

/// <summary>One central-directory record (中央目录项) of an archive.</summary>
public sealed record ZipEntry(
    string Name,
    ushort Method,
    ushort Flags,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset)
{
    public bool IsDirectory => Name.EndsWith('/');
}
