using MedGuard.Detection.Apk.Axml;
using MedGuard.Detection.Apk.Model;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Rules.Examples;

/// <summary>Builds an app model from a rule example (plain manifest + smali) and runs the whole catalog on it.</summary>
public static class RuleExampleRunner
{
    private const string DefaultManifest = """
        <manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.ex">
          <uses-sdk android:minSdkVersion="15" android:targetSdkVersion="23"/>
          <application android:allowBackup="false"/>
        </manifest>
        """;

    public static IReadOnlyList<Finding> Run(RuleCatalog catalog, RuleExample example)
    {
        var manifest = AndroidManifest.From(PlainXmlReader.Read(example.Manifest ?? DefaultManifest));
        var classes = example.Smali is null ? [] : SmaliSnippet.Assemble(example.Smali);
        var nsc = example.NetworkSecurityConfig is null
            ? null
            : NetworkSecurityConfigReader.Read(PlainXmlReader.Read(example.NetworkSecurityConfig), "res/xml/network_security_config.xml");
        var app = new AppModel(manifest, classes, new ClassHierarchy(classes, catalog.Framework)) { NetworkSecurityConfig = nsc };
        var (appFindings, _) = new ApkAnalyzer(catalog).Evaluate(app, "example");
        return appFindings;
    }
}
