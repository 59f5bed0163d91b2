using System.Text;
using System.Text.Json;
using MedGuard.Detection.Apk.Rules;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Ports.Policy;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Detection.Web.Templates;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Inventory;
using MedGuard.Domain.Platform;
using MedGuard.Security.Protection;
using MedGuard.Storage.Auditing;
using MedGuard.Storage.Findings;
using MedGuard.Storage.Inventory;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;

namespace MedGuard.Server.Demo;

/// <summary>
/// The demo province's remote technical detection (远程技术检测, DOMAIN.md §6) of its directly affiliated institutions:
/// their servers, websites, apps and official accounts registered with an authorization each, and one run per detector
/// and asset imported through <see cref="FindingImporter"/> — so the sector page shows the report's detection picture
/// (ports, website vulnerabilities by severity and kind, the per-app table of the 15 risk kinds, booking risks) next to
/// the survey figures. What was observed is data (<c>Data/demo-detection.json</c>); what it means is the engines' own:
/// the port policy decides which open ports are findings, and titles, severities and GB/T 22239 citations come from
/// the web templates, the APK rule catalog and the business-logic scenarios.
/// </summary>
public static class DemoCampaign
{
    private const string Resource = "MedGuard.Server.Demo.demo-detection.json";

    public static async Task LoadAsync(DatabaseTarget database, Sm4FieldProtector protector, AuditTrail audit, DateOnly today)
    {
        var data = Read();
        await using var db = MedGuardContextFactory.CreateMigrated(database);
        var names = data.Institutions.Select(i => i.Name).ToList();
        var byName = (await db.Institutions.AsNoTracking().Where(i => names.Contains(i.Name)).Select(i => new { i.Name, i.Id }).ToListAsync())
            .GroupBy(i => i.Name).ToDictionary(g => g.Key, g => g.Count() == 1 ? g.Single().Id : throw new InvalidDataException($"演示省份中有多家“{g.Key}”"), StringComparer.Ordinal);
        var registry = new AssetRegistry();
        var importer = new FindingImporter(protector);
        var build = new RunBuilder(data);

        // The night the demo campaign ran (within every authorization's window), a few days before today.
        var night = new DateTimeOffset(today.AddDays(-3).ToDateTime(new TimeOnly(1, 0)), ChinaStandardTime.Offset);
        int assets = 0, runs = 0, found = 0;
        foreach (var unit in data.Institutions)
        {
            var institutionId = byName.TryGetValue(unit.Name, out var id)
                ? id
                : throw new InvalidDataException($"{Resource}：演示省份中没有机构“{unit.Name}”");
            NewAuthorization Authorization(params string[] detectors) => new()
            {
                AssetId = Guid.Empty,
                AuthorizedBy = $"{unit.Name} 信息中心",
                ValidFrom = today.AddDays(-60),
                ValidUntil = today.AddDays(300),
                Detectors = detectors,
                AllowedWindow = "00:00-06:00",
                MaxRatePerHost = 20,
                LetterFileName = "远程技术检测授权书（演示）.pdf",
                Letter = Encoding.UTF8.GetBytes($"{unit.Name}远程技术检测授权书（演示数据，非真实文件）"),
            };
            NewAsset Asset(AssetKind kind, string value, string name) => new()
            {
                InstitutionId = institutionId,
                Kind = kind,
                Value = value,
                Name = name,
                Zone = NetworkZone.Demo, // made-up addresses: a campaign over them is refused before any packet
            };

            var detected = new List<DetectionRun>();
            foreach (var server in unit.Servers)
            {
                await registry.RegisterAsync(db, Asset(AssetKind.Ip, server.Host, "对外服务器"), Authorization("ports"));
            }

            if (unit.Servers.Count > 0)
            {
                detected.Add(build.Ports(unit, night));
            }

            foreach (var site in unit.Sites)
            {
                await registry.RegisterAsync(db, Asset(AssetKind.Origin, site.Origin, "网站"), Authorization("ports", "web"));
                detected.Add(build.Web(site, night));
            }

            foreach (var app in unit.Apps)
            {
                await registry.RegisterAsync(db, Asset(AssetKind.App, app.Package, app.Name), Authorization("apk"));
                detected.Add(build.Apk(app, night));
            }

            foreach (var account in unit.Accounts)
            {
                await registry.RegisterAsync(db, Asset(AssetKind.Account, account.Name, account.Name) with { AppId = account.AppId, EntryUrl = account.Entry },
                    Authorization("web", "logic"));
                detected.Add(build.Logic(account, night));
            }

            assets += unit.Servers.Count + unit.Sites.Count + unit.Apps.Count + unit.Accounts.Count;
            foreach (var run in detected)
            {
                var result = await importer.ImportAsync(db, run, new ImportOptions
                {
                    InstitutionId = institutionId,
                    ImportedBy = "演示数据",
                    Now = run.EndedAt.AddMinutes(30),
                });
                runs++;
                found += result.New;
            }
        }

        await audit.RecordAsync(new AuditEvent("demo-load", "DetectionImport", data.Campaign,
            $"载入演示远程技术检测：{data.Institutions.Count} 家单位，{assets} 个资产及授权，{runs} 次检测，新发现 {found} 项"));
    }

    /// <summary>The embedded observations (a malformed file is a build error caught by the demo test, never a silent gap).</summary>
    public static DemoDetectionData Read()
    {
        using var stream = typeof(DemoCampaign).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"embedded data '{Resource}' is missing from the build");
        return JsonSerializer.Deserialize<DemoDetectionData>(stream, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidDataException($"{Resource}：内容为空");
    }

    /// <summary>Turns the observations into detection runs, each finding described by its engine's own rule data.</summary>
    private sealed class RunBuilder(DemoDetectionData data)
    {
        private readonly Dictionary<string, CheckTemplate> _templates = TemplateLoader.LoadBundled().ToDictionary(t => t.Id, StringComparer.Ordinal);
        private readonly Dictionary<string, RuleDefinition> _apkRules = RuleCatalog.Default.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        private readonly Dictionary<string, Scenario> _scenarios = ScenarioLoader.LoadBundled().ToDictionary(s => s.Id, StringComparer.Ordinal);

        public DetectionRun Ports(DemoInstitution unit, DateTimeOffset started)
        {
            var policy = HighRiskPortPolicy.Default;
            // Two policy rules of one rule id on one port are one finding with both locations, as the scanner reports them.
            var findings = DetectionRun.MergeByFingerprint(
                unit.Servers.SelectMany(s => s.Ports.SelectMany(p => policy.Evaluate(new PortObservation(s.Host, p.Port, p.Service, [])))));
            return new DetectionRun
            {
                DetectorId = "ports",
                DetectorVersion = "1.0.0",
                Scope = $"{unit.Name} 对外服务器（演示）",
                Target = string.Join("、", unit.Servers.Select(s => s.Host)),
                StartedAt = started,
                EndedAt = started.AddMinutes(20 * unit.Servers.Count),
                Statistics = new DetectionStatistics { Connections = 65535L * unit.Servers.Count },
                Hosts = [.. unit.Servers.Select(s => new ObservedHost(s.Host, [.. s.Ports.Select(p => new ObservedPort(p.Port, "open") { Service = p.Service })])
                {
                    Closed = 65535 - s.Ports.Count,
                })],
                Covered = [.. unit.Servers.Select(s => s.Host)],
                PortsScanned = "1-65535",
                Findings = findings,
            };
        }

        public DetectionRun Web(DemoSite site, DateTimeOffset started)
        {
            var origin = new Uri(site.Origin).GetLeftPart(UriPartial.Authority);
            var findings = site.Findings.Select(line => WebFinding(origin, line)).ToList();
            return new DetectionRun
            {
                DetectorId = "web",
                DetectorVersion = "1.0.0",
                Scope = $"{site.Origin}（演示）",
                Target = origin + "/",
                StartedAt = started,
                EndedAt = started.AddMinutes(12),
                Statistics = new DetectionStatistics { Requests = 400 + (37 * findings.Count) },
                Covered = [origin],
                Findings = findings,
            };
        }

        // "RULE METHOD /path [parameter [technique]]", e.g. "sqli POST /ServiceSelect/GridOrgInfoList ProductId boolean".
        private Finding WebFinding(string origin, string line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3)
            {
                throw new InvalidDataException($"{Resource}：网站发现“{line}”应为“规则 方法 路径 [参数 [手法]]”");
            }

            var (rule, method, path) = (parts[0], parts[1], parts[2]);
            var parameter = parts.Length > 3 ? parts[3] : null;
            var location = $"{method} {origin}{path}";
            if (_templates.TryGetValue(rule, out var template))
            {
                return new Finding
                {
                    RuleId = template.Id,
                    Title = template.Title,
                    Severity = template.Severity,
                    Target = new WebTarget(origin, path, parameter) { Method = method },
                    Locations = [location],
                    Cwe = template.Cwe,
                    StandardRefs = template.StandardRefs,
                    HighRiskCases = template.HighRiskCases,
                    Remediation = template.Remediation,
                    Technique = "template",
                    Evidence = new Dictionary<string, string> { ["request"] = $"{location}（演示数据）" },
                };
            }

            var engine = data.EngineWebRules.GetValueOrDefault(rule)
                ?? throw new InvalidDataException($"{Resource}：网站规则“{rule}”既不是检测模板，也不在 engineWebRules 中");
            var refs = FindingRefs.InputValidation;
            return new Finding
            {
                RuleId = rule,
                Title = engine.Title,
                Severity = SeverityNames.Parse(engine.Severity),
                Target = new WebTarget(origin, path, parameter) { Method = method },
                Locations = [location],
                Cwe = engine.Cwe,
                StandardRefs = refs.StandardRefs,
                HighRiskCases = SeverityNames.Parse(engine.Severity) == Severity.High ? refs.HighRiskCases : [],
                Remediation = "对输入做参数化处理或严格校验，数据库账号最小权限",
                Technique = parts.Length > 4 ? parts[4] : null,
                Evidence = new Dictionary<string, string> { ["request"] = $"{location} 参数 {parameter}（演示数据）" },
            };
        }

        public DetectionRun Apk(DemoApp app, DateTimeOffset started)
        {
            var file = app.Package + ".apk";
            var findings = new List<Finding>();
            foreach (var (ruleId, count) in app.Risks)
            {
                var rule = _apkRules.GetValueOrDefault(ruleId) ?? throw new InvalidDataException($"{Resource}：APK 规则目录中没有“{ruleId}”");
                for (var n = 1; n <= count; n++)
                {
                    // One finding per location, as the analyzer reports them: a manifest attribute or a class of the app.
                    var member = ruleId == "allow_backup"
                        ? "AndroidManifest.xml"
                        : $"L{app.Package.Replace('.', '/')}/{ruleId.Replace("_", "", StringComparison.Ordinal)}/Part{n};";
                    findings.Add(new Finding
                    {
                        RuleId = rule.Id,
                        Title = rule.Title,
                        Severity = SeverityNames.Parse(rule.Severity),
                        Target = new AppTarget(app.Package, member) { File = file },
                        Locations = [member],
                        Cwe = rule.Cwe,
                        StandardRefs = rule.StandardRefs,
                        Remediation = rule.Remediation,
                        Evidence = new Dictionary<string, string> { ["code"] = $"{member}（演示数据）" },
                    });
                }
            }

            return new DetectionRun
            {
                DetectorId = "apk",
                DetectorVersion = "1.0.0",
                Scope = $"{app.Name}（演示）",
                Target = file,
                StartedAt = started,
                EndedAt = started.AddSeconds(3),
                Statistics = new DetectionStatistics { Files = 1 },
                Apps = [new ObservedApp(file, app.Package) { VersionName = app.VersionName, MinSdk = 21, TargetSdk = 33 }],
                Covered = [app.Package],
                Findings = findings,
            };
        }

        public DetectionRun Logic(DemoOfficialAccount account, DateTimeOffset started)
        {
            var findings = new List<Finding>();
            foreach (var line in account.Findings)
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var scenario = parts.Length == 3 && _scenarios.TryGetValue(parts[0], out var s)
                    ? s
                    : throw new InvalidDataException($"{Resource}：公众号发现“{line}”应为“场景 方法 路径”，场景须是内置业务逻辑场景");
                findings.Add(new Finding
                {
                    RuleId = "logic-" + scenario.Id,
                    Title = scenario.Title,
                    Severity = scenario.Severity,
                    // Filed under the account with its endpoint, as a campaign's logic task files the engine's places.
                    Target = new AccountTarget(account.Name, $"{parts[1]} {parts[2]}"),
                    Locations = [$"{parts[1]} {new Uri(new Uri(account.Entry), parts[2])}"],
                    Cwe = scenario.Cwe[0],
                    StandardRefs = scenario.StandardRefs,
                    Remediation = scenario.Remediation,
                    Technique = scenario.Risk,
                    Evidence = new Dictionary<string, string> { ["场景"] = $"{scenario.Id}（{scenario.Source}）", ["判定"] = "演示数据" },
                });
            }

            return new DetectionRun
            {
                DetectorId = "logic",
                DetectorVersion = "1.0.0",
                Scope = $"{account.Name}（{account.AppId}，演示）",
                Target = $"{account.Name}（{new Uri(account.Entry).GetLeftPart(UriPartial.Authority)}）",
                StartedAt = started,
                EndedAt = started.AddMinutes(8),
                Covered = [account.Name],
                Findings = findings,
            };
        }
    }
}
