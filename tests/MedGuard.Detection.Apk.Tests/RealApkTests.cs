using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>
/// The documented risks of the six real APKs (SOURCES.md) that were confirmed in their bytecode, asserted by kind
/// and location; and the absences: the negative control, library-only hits, what an app does not do.
/// </summary>
public class RealApkTests
{
    private static Finding? App(string apk, string ruleId) => TestApks.Report(apk).Findings.SingleOrDefault(f => f.RuleId == ruleId);

    private static void AssertAt(string apk, string ruleId, params string[] locations)
    {
        var finding = App(apk, ruleId);
        Assert.True(finding is not null, $"{apk}: 应命中 {ruleId}");
        foreach (var location in locations)
        {
            Assert.Contains(location, finding.Locations);
        }
    }

    private static void AssertAbsent(string apk, string ruleId) =>
        Assert.True(App(apk, ruleId) is null, $"{apk}: 不应命中 {ruleId}，实际 {string.Join(", ", App(apk, ruleId)?.Locations ?? [])}");

    [Theory]
    [InlineData("diva-beta.apk", "jakhar.aseem.diva", 15, 23, true)]
    [InlineData("InsecureBankv2.apk", "com.android.insecurebankv2", 15, 22, true)]
    [InlineData("AndroGoat.apk", "owasp.sat.agoat", 18, 26, true)]
    [InlineData("UnCrackable-Level1.apk", "owasp.mstg.uncrackable1", 19, 28, false)]
    [InlineData("HelloWorld-JNI.apk", "sg.vantagepoint.helloworldjni", 21, 25, true)]
    [InlineData("drozer-agent.apk", "com.mwr.dz", 7, 18, true)]
    public void Manifest_facts_match_the_sources_table(string apk, string package, int minSdk, int targetSdk, bool debuggable)
    {
        var r = TestApks.Report(apk);
        Assert.Equal(package, r.Package);
        Assert.Equal(minSdk, r.MinSdk);
        Assert.Equal(targetSdk, r.TargetSdk);
        Assert.Equal(debuggable, r.Debuggable);
        Assert.True(r.DexCount >= 1);
        Assert.True(r.ClassCount > 5);
    }

    [Fact]
    public void Diva_exports_activity_and_provider_without_authorisation_and_allows_backup()
    {
        AssertAt("diva-beta.apk", "exported_activity", "Ljakhar/aseem/diva/APICredsActivity;", "Ljakhar/aseem/diva/APICreds2Activity;");
        AssertAt("diva-beta.apk", "exported_provider", "Ljakhar/aseem/diva/NotesProvider;");
        AssertAt("diva-beta.apk", "allow_backup", "AndroidManifest.xml");
        // The WebView that loads any URL, file:// included: JavaScript on, file access never turned off.
        AssertAt("diva-beta.apk", "webview_file_access", "Ljakhar/aseem/diva/InputValidation2URISchemeActivity;->onCreate(Landroid/os/Bundle;)V");
        Assert.Empty(TestApks.Report("diva-beta.apk").Certificates); // diva-beta.apk is unsigned
    }

    [Fact]
    public void InsecureBank_exports_receiver_activities_and_provider()
    {
        AssertAt("InsecureBankv2.apk", "exported_receiver", "Lcom/android/insecurebankv2/MyBroadCastReceiver;");
        AssertAt("InsecureBankv2.apk", "exported_activity",
            "Lcom/android/insecurebankv2/PostLogin;", "Lcom/android/insecurebankv2/DoTransfer;", "Lcom/android/insecurebankv2/ViewStatement;", "Lcom/android/insecurebankv2/ChangePassword;");
        AssertAt("InsecureBankv2.apk", "exported_provider", "Lcom/android/insecurebankv2/TrackUserContentProvider;");
        AssertAt("InsecureBankv2.apk", "allow_backup", "AndroidManifest.xml");
        // The launcher activity must be exported; it is not counted.
        Assert.DoesNotContain("Lcom/android/insecurebankv2/LoginActivity;", App("InsecureBankv2.apk", "exported_activity")!.Locations);
    }

    [Fact]
    public void InsecureBank_leaks_the_changed_password_by_an_implicit_broadcast_called_on_its_own_activity()
    {
        AssertAt("InsecureBankv2.apk", "send_broadcast_leak", "Lcom/android/insecurebankv2/ChangePassword;->broadcastChangepasswordSMS(Ljava/lang/String;Ljava/lang/String;)V");
    }

    [Fact]
    public void InsecureBank_exported_components_read_extras_without_try_catch()
    {
        AssertAt("InsecureBankv2.apk", "intent_dos",
            "Lcom/android/insecurebankv2/MyBroadCastReceiver;->onReceive(Landroid/content/Context;Landroid/content/Intent;)V",
            "Lcom/android/insecurebankv2/PostLogin;->onCreate(Landroid/os/Bundle;)V");
    }

    [Fact]
    public void InsecureBank_hard_coded_aes_key_and_iv_reach_the_cipher_through_fields_and_a_wrapper()
    {
        // key = "This is the super secret key 123" and ivBytes = {0,…} are set in CryptoClass's constructor, turned
        // into bytes and handed to aes256encrypt/decrypt, which build SecretKeySpec / IvParameterSpec from them.
        AssertAt("InsecureBankv2.apk", "weak_crypto",
            "Lcom/android/insecurebankv2/CryptoClass;->aesEncryptedString(Ljava/lang/String;)Ljava/lang/String;",
            "Lcom/android/insecurebankv2/CryptoClass;->aesDeccryptedString(Ljava/lang/String;)Ljava/lang/String;");
        var evidence = App("InsecureBankv2.apk", "weak_crypto")!.Evidence["Lcom/android/insecurebankv2/CryptoClass;->aesEncryptedString(Ljava/lang/String;)Ljava/lang/String;"];
        Assert.Contains("aes256encrypt", evidence);
    }

    [Fact]
    public void InsecureBank_addJavascriptInterface_is_only_in_play_services_a_library_hit()
    {
        AssertAbsent("InsecureBankv2.apk", "addjavascriptinterface");
        var library = TestApks.Report("InsecureBankv2.apk").LibraryFindings.Single(f => f.RuleId == "addjavascriptinterface");
        Assert.All(library.Locations, l => Assert.StartsWith("Lcom/google/android/gms/", l));
    }

    [Fact]
    public void AndroGoat_exposes_activity_service_and_receiver_and_trusts_user_certificates()
    {
        AssertAt("AndroGoat.apk", "exported_activity", "Lowasp/sat/agoat/AccessControl1ViewActivity;");
        AssertAt("AndroGoat.apk", "exported_service", "Lowasp/sat/agoat/DownloadInvoiceService;");
        AssertAt("AndroGoat.apk", "exported_receiver", "Lowasp/sat/agoat/ShowDataReceiver;");
        AssertAt("AndroGoat.apk", "webview_file_access", "Lowasp/sat/agoat/XSSActivity;->onCreate(Landroid/os/Bundle;)V");
        // Broken cryptography: the PIN is hashed with MD5.
        AssertAt("AndroGoat.apk", "weak_crypto", "Lowasp/sat/agoat/AccessControlIssue1Activity;->hashPIN(Ljava/lang/String;)Ljava/lang/String;");
        var r = TestApks.Report("AndroGoat.apk");
        Assert.NotNull(r.NetworkSecurityConfig);
        Assert.True(r.NetworkSecurityConfig.TrustsUserCertificates);
        AssertAt("AndroGoat.apk", "nsc_trust_user_certificates", "res/xml/network_security_config.xml");
        Assert.True(r.NetworkSecurityConfig.CleartextPermitted);
        Assert.True(r.CleartextTrafficPermitted);
    }

    [Fact]
    public void UnCrackable_decrypts_with_aes_ecb()
    {
        AssertAt("UnCrackable-Level1.apk", "weak_crypto", "Lsg/vantagepoint/a/a;->a([B[B)[B");
        AssertAt("UnCrackable-Level1.apk", "allow_backup", "AndroidManifest.xml");
        var cert = Assert.Single(TestApks.Report("UnCrackable-Level1.apk").Certificates);
        Assert.Contains("OWASP", cert.Subject);
        Assert.True(cert.NotAfter > cert.NotBefore);
    }

    [Fact]
    public void HelloWorld_is_the_negative_control_only_manifest_flags()
    {
        var r = TestApks.Report("HelloWorld-JNI.apk");
        Assert.Equal(["allow_backup"], r.Findings.Select(f => f.RuleId));
        // Its support library registers receivers: reported apart, never as the app's.
        Assert.All(r.LibraryFindings.SelectMany(f => f.Locations), l => Assert.StartsWith("Landroid/support/", l));
    }

    [Fact]
    public void Drozer_accepts_any_certificate_and_forbids_backup()
    {
        AssertAt("drozer-agent.apk", "trustmanager_accept_all",
            "Lcom/mwr/common/tls/trust_managers/NaiveTrustManager;->checkServerTrusted([Ljava/security/cert/X509Certificate;Ljava/lang/String;)V");
        AssertAbsent("drozer-agent.apk", "allow_backup");
        Assert.False(TestApks.Report("drozer-agent.apk").AllowBackup);
        AssertAt("drozer-agent.apk", "exported_receiver", "Lcom/mwr/dz/receivers/Receiver;");
        // Its services declare neither exported nor an intent filter: not exported, whatever its purpose.
        AssertAbsent("drozer-agent.apk", "exported_service");
    }

    [Fact]
    public void No_app_finding_is_located_in_a_library_and_every_finding_names_locations()
    {
        foreach (var apk in new[] { "diva-beta.apk", "InsecureBankv2.apk", "AndroGoat.apk", "UnCrackable-Level1.apk", "HelloWorld-JNI.apk", "drozer-agent.apk" })
        {
            var r = TestApks.Report(apk);
            foreach (var f in r.Findings.Concat(r.LibraryFindings))
            {
                Assert.NotEmpty(f.Locations);
                Assert.False(string.IsNullOrEmpty(f.Cwe));
                Assert.NotEmpty(f.StandardRefs);
            }

            Assert.DoesNotContain(r.Findings.SelectMany(f => f.Locations), l => l.StartsWith("Landroid/support/", StringComparison.Ordinal) || l.StartsWith("Lcom/google/", StringComparison.Ordinal));
        }
    }
}
