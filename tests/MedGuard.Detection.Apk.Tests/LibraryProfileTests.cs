using System.Diagnostics;
using MedGuard.Detection.Apk.Libraries;
using MedGuard.Detection.Apk.Rules;
using MedGuard.Detection.Apk.Rules.Examples;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>Libraries recognised by what they are, not what they are called: each profile's examples, and renamed
/// builds of the test APKs whose library hits stay out of the app's counts.</summary>
public class LibraryProfileTests
{
    public static TheoryData<string, int, bool> Examples()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var p in RuleCatalog.Default.LibraryProfiles)
        {
            for (var i = 0; i < p.Examples.Positive.Count; i++)
            {
                data.Add(p.Id, i, true);
            }

            for (var i = 0; i < p.Examples.Negative.Count; i++)
            {
                data.Add(p.Id, i, false);
            }
        }

        return data;
    }

    [Fact]
    public void Profiles_cover_the_libraries_hospital_apps_carry()
    {
        var ids = RuleCatalog.Default.LibraryProfiles.Select(p => p.Id).ToList();
        foreach (var expected in new[] { "androidx_appcompat", "firebase", "okhttp", "retrofit", "gson", "wechat_sdk", "alipay_sdk", "unionpay_sdk", "push_sdks", "map_location_sdks", "analytics_sdks" })
        {
            Assert.Contains(expected, ids);
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_class_is_recognised_or_not(string id, int index, bool positive)
    {
        var profile = RuleCatalog.Default.LibraryProfiles.Single(p => p.Id == id);
        var classes = SmaliSnippet.Assemble(positive ? profile.Examples.Positive[index] : profile.Examples.Negative[index]);
        var recognizer = new LibraryRecognizer(RuleCatalog.Default.LibraryProfiles, classes, []);
        var found = recognizer.LibraryOf(classes[0].Descriptor + "->x()V");
        if (positive)
        {
            Assert.Same(profile, found);
        }
        else
        {
            Assert.Null(found);
        }
    }

    [Fact]
    public void A_marker_in_the_outer_class_covers_its_nested_classes_but_an_app_class_extending_a_library_class_stays_the_apps()
    {
        var classes = SmaliSnippet.Assemble("""
            .class La/b; extends Ljava/lang/Object;
            .method c()V
              const-string v0, "appcompat:local_night_mode"
              return-void
            .end method
            .class La/b$a; extends Ljava/lang/Object;
            .method d()V
              return-void
            .end method
            .class Lcom/hospital/Main; extends La/b;
            .method e()V
              return-void
            .end method
            """);
        var recognizer = new LibraryRecognizer(RuleCatalog.Default.LibraryProfiles, classes, ["Lcom/hospital/Main;"]);
        Assert.Equal("androidx_appcompat", recognizer.LibraryOf("La/b$a;->d()V")?.Id);
        Assert.Null(recognizer.LibraryOf("Lcom/hospital/Main;->e()V"));
    }

    /// <summary>
    /// The support library of a real APK renamed with apktool (smali): <c>Landroid/support/</c> becomes <c>Lq/</c>,
    /// as R8 moves a library under a one-letter package. Its hits (AppCompatDelegateImpl, the known false positive,
    /// among them) must stay library hits, and the app's own hits be unchanged.
    /// </summary>
    [Theory]
    [InlineData("HelloWorld-JNI.apk")]
    [InlineData("AndroGoat.apk")]
    public void Renamed_library_hits_stay_out_of_the_apps_counts(string apk)
    {
        var original = TestApks.Report(apk);
        Assert.NotEmpty(original.LibraryFindings);
        var renamed = new ApkAnalyzer().Analyze(RenameWithApktool(apk, "android/support", "q"));

        static HashSet<(string, string)> Hits(IEnumerable<MedGuard.Domain.Findings.Finding> findings) =>
            findings.SelectMany(f => f.Locations.Select(l => (f.RuleId, l.Replace("Lq/", "Landroid/support/", StringComparison.Ordinal)))).ToHashSet();

        Assert.Contains(renamed.LibraryFindings.SelectMany(f => f.Locations), l => l.StartsWith("Lq/", StringComparison.Ordinal));
        Assert.Equal(Hits(original.Findings), Hits(renamed.Findings));
        Assert.Equal(Hits(original.LibraryFindings), Hits(renamed.LibraryFindings));
        Assert.Equal(original.Findings.Sum(f => f.Locations.Count), renamed.Findings.Sum(f => f.Locations.Count));
    }

    private static string RenameWithApktool(string apk, string fromPackage, string toPackage)
    {
        var work = Directory.CreateTempSubdirectory("medguard-renamed-");
        var dir = Path.Combine(work.FullName, "src");
        Run("apktool", "d", "-r", "-f", "-o", dir, TestApks.PathOf(apk));
        foreach (var smali in Directory.GetDirectories(dir, "smali*"))
        {
            var from = Path.Combine(smali, fromPackage);
            if (Directory.Exists(from))
            {
                Directory.Move(from, Path.Combine(smali, toPackage));
            }
        }

        var oldDescriptor = $"L{fromPackage}/";
        var newDescriptor = $"L{toPackage}/";
        foreach (var file in Directory.EnumerateFiles(dir, "*.smali", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            if (text.Contains(oldDescriptor, StringComparison.Ordinal))
            {
                File.WriteAllText(file, text.Replace(oldDescriptor, newDescriptor, StringComparison.Ordinal));
            }
        }

        var output = Path.Combine(work.FullName, apk);
        Run("apktool", "b", "-o", output, dir);
        return output;
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"无法启动 {command}（apt-get install apktool）");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} 失败：{stderr}{stdout.Result}");
    }
}
