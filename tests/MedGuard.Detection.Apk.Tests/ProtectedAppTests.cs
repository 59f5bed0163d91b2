using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Protection;
using MedGuard.Detection.Apk.Reporting;
using MedGuard.Detection.Apk.Rules;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>Packed (加固) and deliberately malformed apps: reported as packed, never as clean; a method that does not
/// decode is skipped and named, the rest analysed.</summary>
public class ProtectedAppTests
{
    private static readonly PackerDetector Detector = new(RuleCatalog.Default.Packers);

    public static TheoryData<string, int> PositiveExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var p in RuleCatalog.Default.Packers)
        {
            for (var i = 0; i < p.Examples.Positive.Count; i++)
            {
                data.Add(p.Id, i);
            }
        }

        return data;
    }

    public static TheoryData<string, int> NegativeExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (var p in RuleCatalog.Default.Packers)
        {
            for (var i = 0; i < p.Examples.Negative.Count; i++)
            {
                data.Add(p.Id, i);
            }
        }

        return data;
    }

    [Fact]
    public void The_common_chinese_packers_are_known()
    {
        var names = RuleCatalog.Default.Packers.Select(p => p.Name).ToList();
        foreach (var expected in new[] { "360加固", "腾讯乐固", "梆梆加固", "爱加密", "百度加固", "网易易盾", "顶象加固", "娜迦加固" })
        {
            Assert.Contains(expected, names);
        }
    }

    [Theory]
    [MemberData(nameof(PositiveExamples))]
    public void Positive_example_is_recognised_as_its_packer(string id, int index)
    {
        var example = RuleCatalog.Default.Packers.Single(p => p.Id == id).Examples.Positive[index];
        var match = Detector.Detect(example);
        Assert.NotNull(match);
        Assert.Equal(id, match.Id);
        Assert.NotEmpty(match.Evidence);
    }

    [Theory]
    [MemberData(nameof(NegativeExamples))]
    public void Negative_example_is_no_packer(string id, int index)
    {
        var example = RuleCatalog.Default.Packers.Single(p => p.Id == id).Examples.Negative[index];
        Assert.Null(Detector.Detect(example));
    }

    [Fact]
    public void A_packed_apk_is_reported_packed_its_code_rules_in_the_coverage_notes_and_its_manifest_rules_still_run()
    {
        var clean = TestApks.Report("UnCrackable-Level1.apk");
        Assert.Null(clean.Packer);
        Assert.Empty(clean.Coverage);

        var packed = new ApkAnalyzer().Analyze(ApkRebuild.From("UnCrackable-Level1.apk", new Dictionary<string, byte[]?>
        {
            ["lib/armeabi-v7a/libjiagu.so"] = new byte[64],
            ["assets/libjiagu_a64.so"] = new byte[64],
        }), "packed.apk");

        Assert.NotNull(packed.Packer);
        Assert.Equal("360加固", packed.Packer.Name);
        Assert.Contains("lib/armeabi-v7a/libjiagu.so", packed.Packer.Evidence);
        var codeRules = RuleCatalog.Default.Rules.Where(r => r.Detector == "code").Select(r => r.Id).ToList();
        Assert.Equal(codeRules.Count, packed.Coverage.Count);
        Assert.All(packed.Coverage, n => Assert.Contains("360加固", n.Reason));
        Assert.Equal(
            codeRules.Select(id => $"{packed.Package}#{id}").Order(StringComparer.Ordinal),
            packed.Coverage.Select(n => n.Subject).Order(StringComparer.Ordinal));
        Assert.Equal(1, packed.CountOf("allow_backup")); // the manifest rule still ran

        var run = new ApkBatchResult([packed], []).ToDetectionRun("test");
        Assert.False(run.Complete);
        Assert.Contains(run.Figures, f => f.Key == "packedApps" && f.Value == 1);
        var target = new AppTarget(packed.Package, "Lsg/vantagepoint/a/a;->a([B[B)[B") { File = "packed.apk" };
        Assert.False(run.Covers(target, "weak_crypto")); // an absent code finding is never closed as fixed
        Assert.True(run.Covers(new AppTarget(packed.Package, "AndroidManifest.xml") { File = "packed.apk" }, "allow_backup"));
    }

    [Fact]
    public void A_method_whose_instructions_do_not_decode_is_skipped_and_named_and_the_rest_is_analysed()
    {
        const string apk = "diva-beta.apk";
        const string broken = "Ljakhar/aseem/diva/APICreds2Activity;->onCreate(Landroid/os/Bundle;)V";
        var before = TestApks.Report(apk);
        Assert.Contains(broken, before.Findings.Single(f => f.RuleId == "intent_dos").Locations);

        // Protectors plant an instruction that runs past the method's end: the last code unit becomes sput-char (0x6c),
        // a two-unit instruction, as in the real app refused whole before ("地址 213 处的指令 sput-char 越界").
        var dexBytes = ApkRebuild.Entry(apk, "classes.dex");
        var dex = DexFile.ReadAll(dexBytes, "classes.dex")[0];
        var codeOffset = Enumerable.Range(0, dex.ClassDefCount).Select(dex.GetClassDef)
            .Where(c => c.Descriptor == "Ljakhar/aseem/diva/APICreds2Activity;")
            .SelectMany(dex.GetMethods).Single(m => dex.GetMethod(m.MethodIndex).Name == "onCreate").CodeOffset;
        var units = BitConverter.ToInt32(dexBytes, (int)codeOffset + 12);
        dexBytes[(int)codeOffset + 16 + (2 * (units - 1))] = 0x6c;

        var after = new ApkAnalyzer().Analyze(ApkRebuild.From(apk, new Dictionary<string, byte[]?> { ["classes.dex"] = dexBytes }), apk);

        var skipped = Assert.Single(after.SkippedMethods);
        Assert.Equal(broken, skipped.Location);
        Assert.Contains("sput-char 越界", skipped.Reason);
        Assert.DoesNotContain(after.Findings, f => f.Locations.Contains(broken));
        // Everything else is found as before.
        var expected = before.Findings.SelectMany(f => f.Locations.Select(l => (f.RuleId, l))).Where(x => x.l != broken).ToHashSet();
        Assert.Equal(expected, after.Findings.SelectMany(f => f.Locations.Select(l => (f.RuleId, l))).ToHashSet());
        Assert.Contains(after.Coverage, n => n.Subject == $"{after.Package}#intent_dos" && n.Reason.Contains(broken, StringComparison.Ordinal));
        var run = new ApkBatchResult([after], []).ToDetectionRun("test");
        Assert.False(run.Covers(new AppTarget(after.Package, broken) { File = apk }, "intent_dos"));
    }
}
