namespace MedGuard.Server.Demo;

/// <summary>The demo campaign's observations (<c>Data/demo-detection.json</c>).</summary>
public sealed record DemoDetectionData(string Campaign, IReadOnlyDictionary<string, DemoEngineRule> EngineWebRules, IReadOnlyList<DemoInstitution> Institutions);

public sealed record DemoEngineRule(string Title, string Severity, string? Cwe);

public sealed record DemoInstitution(string Name, IReadOnlyList<DemoServer> Servers, IReadOnlyList<DemoSite> Sites, IReadOnlyList<DemoApp> Apps, IReadOnlyList<DemoOfficialAccount> Accounts);

public sealed record DemoServer(string Host, IReadOnlyList<DemoOpenPort> Ports);

public sealed record DemoOpenPort(int Port, string? Service);

public sealed record DemoSite(string Origin, IReadOnlyList<string> Findings);

public sealed record DemoApp(string Package, string Name, string? VersionName, IReadOnlyDictionary<string, int> Risks);

public sealed record DemoOfficialAccount(string Name, string AppId, string Entry, IReadOnlyList<string> Findings);
