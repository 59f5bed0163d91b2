using System.IO.Compression;
using MedGuard.Detection.Apk.Zip;

namespace MedGuard.Detection.Apk.Tests;

public class MultidexTests
{
    private static byte[] Entry(string apk, string name)
    {
        var zip = ZipArchiveReader.Open(TestApks.PathOf(apk));
        return zip.Read(zip.Find(name)!);
    }

    [Fact]
    public void Classes_from_every_dex_are_analysed_and_resolved_together()
    {
        // InsecureBankv2's manifest with UnCrackable's code in classes.dex and InsecureBankv2's in classes2.dex.
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in new[]
            {
                ("AndroidManifest.xml", Entry("InsecureBankv2.apk", "AndroidManifest.xml")),
                ("classes.dex", Entry("UnCrackable-Level1.apk", "classes.dex")),
                ("classes2.dex", Entry("InsecureBankv2.apk", "classes.dex")),
            })
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(data);
            }
        }

        var report = new ApkAnalyzer().Analyze(ms.ToArray(), "multidex.apk");
        Assert.Equal(2, report.DexCount);
        var crypto = report.Findings.Single(f => f.RuleId == "weak_crypto").Locations;
        Assert.Contains("Lsg/vantagepoint/a/a;->a([B[B)[B", crypto); // from classes.dex
        Assert.Contains("Lcom/android/insecurebankv2/CryptoClass;->aesEncryptedString(Ljava/lang/String;)Ljava/lang/String;", crypto); // classes2.dex
        // ChangePassword (classes2.dex) extends Activity: its sendBroadcast still resolves to Context's.
        Assert.Contains("Lcom/android/insecurebankv2/ChangePassword;->broadcastChangepasswordSMS(Ljava/lang/String;Ljava/lang/String;)V",
            report.Findings.Single(f => f.RuleId == "send_broadcast_leak").Locations);
    }
}
