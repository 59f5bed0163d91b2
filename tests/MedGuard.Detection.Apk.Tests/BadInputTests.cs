using System.IO.Compression;
using System.Text;
using MedGuard.Detection.Apk.Axml;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Detection.Apk.Zip;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>Hostile and broken files: a clear error for that file, the others still analysed, memory bounded.</summary>
public class BadInputTests
{
    private static byte[] Zip(params (string Name, byte[] Data, CompressionLevel Level)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data, level) in entries)
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(data);
            }
        }

        return ms.ToArray();
    }

    private static byte[] RealEntry(string apk, string entry)
    {
        var zip = ZipArchiveReader.Open(TestApks.PathOf(apk));
        return zip.Read(zip.Find(entry)!);
    }

    [Fact]
    public void Not_a_zip_is_refused_clearly()
    {
        var ex = Assert.Throws<ApkFormatException>(() => new ApkAnalyzer().Analyze(Encoding.UTF8.GetBytes("<html>not an apk</html>"), "a.apk"));
        Assert.Contains("不是 ZIP/APK", ex.Message);
    }

    [Fact]
    public void Truncated_apk_is_refused_clearly()
    {
        var bytes = File.ReadAllBytes(TestApks.PathOf("UnCrackable-Level1.apk"));
        var ex = Assert.Throws<ApkFormatException>(() => new ApkAnalyzer().Analyze(bytes[..(bytes.Length / 2)], "half.apk"));
        Assert.Contains("截断", ex.Message);
    }

    [Fact]
    public void Zip_bomb_is_refused_before_it_is_inflated()
    {
        var bomb = Zip(("AndroidManifest.xml", new byte[50 << 20], CompressionLevel.SmallestSize));
        Assert.True(bomb.Length < 200_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ApkFormatException>(() => new ApkAnalyzer().Analyze(bomb, "bomb.apk"));
        Assert.Contains("ZIP 炸弹", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 20 << 20, "the bomb must not be inflated");
    }

    [Fact]
    public void Total_inflated_size_is_capped()
    {
        var data = new byte[3 << 20];
        new Random(7).NextBytes(data);
        var zip = ZipArchiveReader.Open(Zip(("a", data, CompressionLevel.NoCompression), ("b", data, CompressionLevel.NoCompression)),
            new ZipLimits { MaxTotalInflatedBytes = 5 << 20 });
        zip.Read(zip.Find("a")!);
        var ex = Assert.Throws<ApkFormatException>(() => zip.Read(zip.Find("b")!));
        Assert.Contains("解压总量", ex.Message);
    }

    [Theory]
    [InlineData("../../evil.so")]
    [InlineData("assets/../../x")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\win.ini")]
    public void Zip_slip_names_are_refused(string name)
    {
        var ex = Assert.Throws<ApkFormatException>(() => ZipArchiveReader.Open(Zip((name, [1, 2, 3], CompressionLevel.Optimal))));
        Assert.Contains("拒绝处理", ex.Message);
    }

    [Fact]
    public void Corrupted_deflate_data_is_a_clear_error()
    {
        var bytes = Zip(("AndroidManifest.xml", Encoding.UTF8.GetBytes(new string('x', 5000) + "abcdefghij"), CompressionLevel.Optimal));
        // Flip bytes inside the compressed stream (after the 30-byte local header and the name).
        for (var i = 30 + 19 + 2; i < 30 + 19 + 12; i++)
        {
            bytes[i] ^= 0xFF;
        }

        var ex = Assert.ThrowsAny<FormatException>(() => new ApkAnalyzer().Analyze(bytes, "c.apk"));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Corrupted_axml_is_a_clear_error()
    {
        var manifest = RealEntry("UnCrackable-Level1.apk", "AndroidManifest.xml");
        var broken = manifest.ToArray();
        broken[12] = 0xFF; broken[13] = 0xFF; broken[14] = 0xFF; broken[15] = 0x7F; // string pool chunk size far beyond the file
        var ex = Assert.Throws<ApkFormatException>(() => AxmlReader.Read(broken));
        Assert.Contains("越界", ex.Message);
        Assert.Throws<ApkFormatException>(() => AxmlReader.Read(manifest[..7]));
        Assert.Throws<ApkFormatException>(() => AxmlReader.Read(manifest[..(manifest.Length / 3)]));
    }

    [Fact]
    public void Dex_whose_offsets_point_outside_the_file_is_refused()
    {
        var dex = RealEntry("UnCrackable-Level1.apk", "classes.dex");
        var broken = dex.ToArray();
        BitConverter.GetBytes(0x7FFFFF00u).CopyTo(broken, 0x3C); // string_ids_off
        var ex = Assert.Throws<ApkFormatException>(() => DexFile.ReadAll(broken, "classes.dex"));
        Assert.Contains("string_ids", ex.Message);

        var badMagic = dex.ToArray();
        badMagic[0] = (byte)'x';
        Assert.Contains("魔数", Assert.Throws<ApkFormatException>(() => DexFile.ReadAll(badMagic, "classes.dex")).Message);

        var truncated = dex[..(dex.Length / 2)];
        Assert.Throws<ApkFormatException>(() => DexFile.ReadAll(truncated, "classes.dex"));
    }

    [Fact]
    public void Dex_with_a_class_data_offset_outside_the_file_fails_that_apk_only()
    {
        var good = File.ReadAllBytes(TestApks.PathOf("UnCrackable-Level1.apk"));
        var dex = RealEntry("UnCrackable-Level1.apk", "classes.dex");
        var classDefsOff = BitConverter.ToInt32(dex, 0x64);
        BitConverter.GetBytes(0x7FFFFFF0u).CopyTo(dex, classDefsOff + 24); // first class's class_data_off
        var manifest = RealEntry("UnCrackable-Level1.apk", "AndroidManifest.xml");
        var bad = Zip(("AndroidManifest.xml", manifest, CompressionLevel.Optimal), ("classes.dex", dex, CompressionLevel.Optimal));

        var dir = Directory.CreateTempSubdirectory("medguard-apk-");
        try
        {
            File.WriteAllBytes(Path.Combine(dir.FullName, "a-good.apk"), good);
            File.WriteAllBytes(Path.Combine(dir.FullName, "b-bad-dex.apk"), bad);
            File.WriteAllBytes(Path.Combine(dir.FullName, "c-not-zip.apk"), Encoding.UTF8.GetBytes("hello"));
            var files = Directory.GetFiles(dir.FullName).Order().ToList();
            var result = ApkBatchAnalyzer.Run(new ApkAnalyzer(), files);
            Assert.Equal("a-good.apk", Assert.Single(result.Apps).File);
            Assert.Equal(["b-bad-dex.apk", "c-not-zip.apk"], result.Errors.Select(e => e.File).Order());
            Assert.Contains("超出文件范围", result.Errors.Single(e => e.File == "b-bad-dex.apk").Error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Instruction_running_past_the_code_end_is_refused()
    {
        // invoke-virtual needs 3 code units; only 2 present.
        byte[] code = [0x6e, 0x10, 0x00, 0x00];
        Assert.Throws<ApkFormatException>(() => DexInstructionDecoder.DecodeAll(code));
        // A fill-array-data payload declaring more data than there is.
        byte[] payload = [0x00, 0x03, 0x01, 0x00, 0xFF, 0xFF, 0x00, 0x00];
        Assert.Throws<ApkFormatException>(() => DexInstructionDecoder.DecodeAll(payload));
        // Found by the fuzzer: a payload identifier in the last code unit used to loop forever.
        byte[] cutPayload = [0x0e, 0x00, 0x00, 0x01];
        Assert.Throws<ApkFormatException>(() => DexInstructionDecoder.DecodeAll(cutPayload));
    }
}
