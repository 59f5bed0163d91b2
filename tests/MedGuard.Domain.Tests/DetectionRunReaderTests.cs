using System.Text;
using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Domain.Tests;

/// <summary>DetectionRunJson.Read: the exact inverse of the writer, and a clear refusal of anything else.</summary>
public class DetectionRunReaderTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 8, 0, 0, TimeSpan.FromHours(8));

    private static Finding Make(FindingTarget target, Severity severity = Severity.High) => new()
    {
        RuleId = "rule_" + target.Kind,
        Title = "标题 " + target.Kind,
        Severity = severity,
        Target = target,
        Locations = ["loc-1", "loc-2"],
        Evidence = new Dictionary<string, string> { ["request"] = "GET / HTTP/1.1\r\n", ["why"] = "原因\"引号\"" },
        Cwe = "CWE-89",
        StandardRefs = ["L3-CES1-17"],
        HighRiskCases = ["6.4.3.1"],
        Remediation = "修复",
        Technique = "boolean",
        InThirdPartyCode = target is AppTarget,
    };

    public static TheoryData<string> Kinds => ["service", "web", "app", "account"];

    private static DetectionRun RunWith(string kind)
    {
        FindingTarget target = kind switch
        {
            "service" => new ServiceTarget("2001:db8::5", 3389),
            "web" => new WebTarget("https://portal.example:8443", "/Products/Detail", "ProductId") { Method = "POST" },
            "app" => new AppTarget("com.hospital.booking", "Lcom/a/B;->c()V") { File = "预约.apk" },
            _ => new AccountTarget("某医院公众号", "https://h5.example/api/book"),
        };
        return new DetectionRun
        {
            DetectorId = kind == "service" ? "ports" : kind,
            DetectorVersion = "1.2.3",
            Scope = "scope.txt：10.0.0.0/24",
            Target = "目标",
            StartedAt = Start,
            EndedAt = Start.AddSeconds(90),
            Statistics = new DetectionStatistics { Requests = 5, Connections = 7, Files = 1 },
            Coverage = [new CoverageNote("10.0.0.9", "主机停止响应")],
            Covered = ["10.0.0.1", "10.0.0.9"],
            PortsScanned = "21-23,80,3389",
            Hosts = [new ObservedHost("10.0.0.1", [new ObservedPort(80, "open") { Service = "http", Product = "nginx 1.24", Banner = "b" }]) { HostName = "h", Closed = 3, Filtered = 2 }],
            Apps = [new ObservedApp("预约.apk", "com.hospital.booking") { VersionName = "1.0", MinSdk = 21, TargetSdk = 33, Debuggable = true, Endpoints = ["http://his.example.cn", "https://pacs.example.cn:8443"] }],
            Findings = [Make(target), Make(target with { }, Severity.Low) with { RuleId = "second" }],
            Figures = [new("pagesCrawled", 37), new("hostsWithOpenPorts", 1)],
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ReadIsTheExactInverseOfWrite(string kind)
    {
        var run = RunWith(kind);
        var json = DetectionRunJson.Write(run);
        var back = DetectionRunJson.Read(json);

        // Written again, it is byte for byte the same: every field came back.
        Assert.Equal(json, DetectionRunJson.Write(back));
        Assert.Equal(DetectionRunJson.Digest(run), DetectionRunJson.Digest(back));
        Assert.Equal(run.Findings.Select(f => f.Fingerprint), back.Findings.Select(f => f.Fingerprint));
        Assert.Equal(run.Findings[0].Target, back.Findings[0].Target);
        Assert.Equal(run.StartedAt, back.StartedAt);
        Assert.Equal(run.Covered, back.Covered);
        Assert.Equal("21-23,80,3389", back.PortsScanned);

        // From a stream too, and whatever the indentation: the digest is the canonical form's.
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(DetectionRunJson.Write(run, indented: false)));
        Assert.Equal(DetectionRunJson.Digest(run), DetectionRunJson.Digest(DetectionRunJson.Read(stream)));
    }

    [Fact]
    public void ARunWithoutCoveredReadsAsCoveringNothing()
    {
        var json = DetectionRunJson.Write(RunWith("service") with { Covered = null, PortsScanned = null });
        var back = DetectionRunJson.Read(json);
        Assert.Null(back.Covered);
        Assert.False(back.Covers(new ServiceTarget("10.0.0.1", 22)));
    }

    [Fact]
    public void ForeignMalformedAndOversizedInputIsRefusedWithAClearMessage()
    {
        Assert.Equal("不是 MedGuard 检测运行结果：缺少 schemaVersion", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("{\"detector\":\"ports\"}")).Message);
        Assert.Contains("SARIF", Assert.Throws<DetectionRunFormatException>(() =>
            DetectionRunJson.Read("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[]}")).Message);
        Assert.Contains("nmap", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("{\"nmaprun\":{\"host\":[]}}")).Message);
        Assert.Contains("schemaVersion=2", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("{\"schemaVersion\":2}")).Message);
        Assert.Contains("顶层", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("[1,2]")).Message);

        var malformed = Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("{\n  \"schemaVersion\": 1,\n  \"detector\": \"ports\"\n  \"x\": 1\n}"));
        Assert.Contains("第 4 行", malformed.Message);

        var missing = Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("{\"schemaVersion\":1,\"detector\":\"ports\"}"));
        Assert.Contains("detectorVersion", missing.Message);

        var edited = DetectionRunJson.Write(RunWith("web")).Replace("\"severity\": \"高\"", "\"severity\": \"严重\"", StringComparison.Ordinal);
        Assert.Contains("findings[0].severity", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read(edited)).Message);

        var forged = DetectionRunJson.Write(RunWith("web")).Replace("\"/Products/Detail\"", "\"/Other\"", StringComparison.Ordinal);
        Assert.Contains("fingerprint", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read(forged)).Message);
    }

    [Fact]
    public void PropertiesInAnyOrderABomAndAFileAreReadAlike()
    {
        // A hand-written run: keys in another order, a BOM, unknown keys, a non-string evidence value, nulls for lists.
        const string json = "\uFEFF{\"findings\":[{\"evidence\":{\"n\":5,\"o\":{\"a\":[1]}},\"port\":22,\"host\":\"10.0.0.1\",\"targetKind\":\"service\","
            + "\"severity\":\"中\",\"title\":\"t\",\"ruleId\":\"r\",\"extra\":{\"x\":[1,{\"y\":null}]},\"locations\":null}],"
            + "\"detector\":\"ports\",\"detectorVersion\":\"1\",\"scope\":\"s\",\"startedAt\":\"2026-12-06T08:00:00+08:00\","
            + "\"endedAt\":\"2026-12-06T08:01:00+08:00\",\"schemaVersion\":1}";
        var run = DetectionRunJson.Read(json);
        var finding = Assert.Single(run.Findings);
        Assert.Equal(new ServiceTarget("10.0.0.1", 22), finding.Target);
        Assert.Equal("5", finding.Evidence["n"]);
        Assert.Equal("{\"a\":[1]}", finding.Evidence["o"]);
        Assert.Empty(finding.Locations);

        var file = Path.Combine(Path.GetTempPath(), $"mg-run-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(file, DetectionRunJson.Write(RunWith("web")));
            Assert.Equal(DetectionRunJson.Digest(RunWith("web")), DetectionRunJson.Digest(DetectionRunJson.ReadFile(file)));
        }
        finally
        {
            File.Delete(file);
        }

        Assert.Contains("schemaVersion=\"1\"", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("{\"schemaVersion\":\"1\"}")).Message);
        Assert.Contains("findings[0].port", Assert.Throws<DetectionRunFormatException>(() =>
            DetectionRunJson.Read(json.Replace("\"port\":22", "\"port\":\"22\"", StringComparison.Ordinal))).Message);
        Assert.Contains("第 1 行", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read(json + "}")).Message);
        Assert.Contains("文件为空", Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read("  ")).Message);
    }

    [Fact]
    public void AFingerprintFollowsACopysChangedRuleOrTarget()
    {
        var finding = Make(new ServiceTarget("10.0.0.1", 22));
        var first = finding.Fingerprint;
        Assert.Same(first, finding.Fingerprint);
        Assert.NotEqual(first, (finding with { RuleId = "other" }).Fingerprint);
        Assert.NotEqual(first, (finding with { Target = new ServiceTarget("10.0.0.1", 23) }).Fingerprint);
        Assert.Equal(first, (finding with { Title = "另一个标题" }).Fingerprint);
        Assert.Equal(new ServiceTarget("10.0.0.1", 22).FingerprintOf(finding.RuleId), first);
    }

    [Fact]
    public void MoreThan200MegabytesIsRefusedBeforeReading()
    {
        using var huge = new EndlessStream(DetectionRunJson.MaxInputBytes + 1);
        var refused = Assert.Throws<DetectionRunFormatException>(() => DetectionRunJson.Read(huge));
        Assert.Contains("200 MB", refused.Message);
        Assert.Equal(0, huge.Position); // a seekable stream's length is enough: not a byte read
    }

    [Fact]
    public void CoversNeedsTheSubjectNoNoteAndThePort()
    {
        var run = RunWith("service");
        Assert.True(run.Covers(new ServiceTarget("10.0.0.1", 22)));
        Assert.True(run.Covers(new ServiceTarget("10.0.0.1", 3389)));
        Assert.False(run.Covers(new ServiceTarget("10.0.0.1", 3306)));  // port not scanned
        Assert.False(run.Covers(new ServiceTarget("10.0.0.9", 22)));    // named by a coverage note
        Assert.False(run.Covers(new ServiceTarget("10.0.0.2", 22)));    // not scanned at all

        var web = new DetectionRun
        {
            DetectorId = "web",
            DetectorVersion = "1",
            Scope = "s",
            StartedAt = Start,
            EndedAt = Start,
            Covered = ["https://a.example", "https://b.example"],
            Coverage = [new CoverageNote("b.example", "请求预算用完")],
        };
        Assert.True(web.Covers(new WebTarget("https://A.example", "/x", null)));
        Assert.False(web.Covers(new WebTarget("https://b.example", "/x", null)));
        Assert.False(web.Covers(new WebTarget("https://c.example", "/x", null)));

        var apk = web with
        {
            DetectorId = "apk",
            Covered = ["com.a"],
            Apps = [new ObservedApp("a.apk", "com.a")],
            Coverage = [new CoverageNote("a.apk", "部分 dex 无法解析")],
        };
        Assert.False(apk.Covers(new AppTarget("com.a", null)));
        Assert.True((apk with { Coverage = [] }).Covers(new AppTarget("com.a", "Lx;")));

        // SUBJECT#RULE: a scenario the logic detector could not judge keeps its own findings open, not the others'.
        var logic = web with
        {
            DetectorId = "logic",
            Covered = ["wx-hospital"],
            Coverage = [new CoverageNote("wx-hospital#logic-bola-cancel-swapped", "无法判断：会话失效")],
        };
        var account = new AccountTarget("wx-hospital", "POST /api/reg/cancel");
        Assert.False(logic.Covers(account, "logic-bola-cancel-swapped"));
        Assert.True(logic.Covers(account, "logic-window-greyed-slot"));
        Assert.False(logic.Covers(account)); // rule unknown: the note may be about it
        Assert.False((logic with { Coverage = [new CoverageNote("wx-hospital", "预算用完")] }).Covers(account, "logic-window-greyed-slot"));
    }

    [Fact]
    public void PortRangesAreCanonical()
    {
        Assert.Equal("21-23,80,3389", PortRanges.Canonical([3389, 80, 23, 22, 21, 22]));
        Assert.True(PortRanges.Contains("21-23,80,3389", 22));
        Assert.False(PortRanges.Contains("21-23,80,3389", 24));
        Assert.Equal("1-65535", PortRanges.Canonical(Enumerable.Range(1, 65535)));
    }

    /// <summary>A seekable stream that claims a length and fails if read.</summary>
    private sealed class EndlessStream(long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("read");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
