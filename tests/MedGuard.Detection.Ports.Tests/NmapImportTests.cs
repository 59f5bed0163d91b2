using System.Diagnostics;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Ports.PortSets;
using MedGuard.Detection.Ports.Reporting;
using MedGuard.Detection.Ports.Scanning;
using MedGuard.Detection.Ports.Scope;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>Real nmap (Debian) output of our own test namespace, imported into the same findings as our scan.</summary>
public class NmapImportTests
{
    [Fact]
    public async Task RealNmapXmlMatchesOurScan()
    {
        var host = TestNetwork.Server;
        const string ports = "21,22,23,80,104,443,445,1433,2575,3306,3389,5432,6379,8443,9,10,11";
        var file = Path.Combine(Path.GetTempPath(), $"mgp-nmap-{Guid.NewGuid():N}.xml");
        try
        {
            var start = new ProcessStartInfo("nmap", ["-sT", "-n", "-Pn", "-p", ports, "-oX", file, host.ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using (var nmap = Process.Start(start)!)
            {
                var stderr = nmap.StandardError.ReadToEndAsync();
                await nmap.StandardOutput.ReadToEndAsync();
                await nmap.WaitForExitAsync();
                Assert.True(nmap.ExitCode == 0, "nmap failed (is Debian's nmap installed? run ./test.sh): " + await stderr);
            }

            var imported = Assert.Single(NmapXmlImporter.Read(file));
            var scanner = new ConnectScanner(TestNetwork.Scope, new ScanOptions { IdentifyServices = false, PerHostRate = 0 });
            var ours = Assert.Single(await scanner.ScanAsync([new ScanTarget(host)], PortSet.Parse(ports)));
            Assert.Equal(ours.OpenPorts.Select(p => p.Port), imported.OpenPorts.Select(p => p.Port));
            Assert.Equal(14, imported.OpenPorts.Count);
            Assert.Equal(3, imported.ClosedCount);

            // nmap's names (ms-wbt-server, microsoft-ds…) meet the same policy rules as ours.
            var findings = ScanReport.Build([imported], HighRiskPortPolicy.Default, DateTimeOffset.UtcNow).Findings;
            Assert.Contains(findings, f => f.Target.Display == $"{host}:3389" && f.RuleId == "high_risk_port");
            Assert.Contains(findings, f => f.Target.Display == $"{host}:445" && f.RuleId == "high_risk_port");
            Assert.Contains(findings, f => f.Target.Display == $"{host}:1433" && f.RuleId == "high_risk_port");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
