using System.Globalization;
using MedGuard.Domain.Findings;
using MedGuard.Reports.Document;
using MedGuard.Reports.Inputs;

namespace MedGuard.Reports.Documents;

/// <summary>
/// 整改通知 to one institution (DOMAIN.md §6, §8): its open findings from remote detection by asset, severity and kind,
/// with evidence (personal data masked), the GB/T 22239 items they bear on, the deadlines, and how to fix each kind.
/// </summary>
public static class DetectionNotice
{
    /// <summary>The fix for a kind of finding when the rule gives none: by detector (the seed's campaign, DOMAIN.md §6).</summary>
    private static readonly Dictionary<string, string> FixByDetector = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ports"] = "关闭不必要的服务和端口；远程桌面（3389）、数据库等高危端口不得直接暴露于互联网，经边界防护设备和访问控制策略限制来源地址。",
        ["web"] = "修复应用漏洞（参数化查询、输入校验与输出编码），去除响应头中的版本信息，升级中间件，部署 Web 应用防护。",
        ["apk"] = "按检测项修复移动应用：关闭 allowBackup、收紧组件导出、校验证书与主机名、移除 WebView 隐藏接口，加固后重新发布。",
        ["logic"] = "在服务端校验号源开放时间、预约归属与操作者身份，限制频率并记录审计日志，防止黄牛抢号和越权取消预约。",
        ["tls"] = "停用过时协议与弱密码套件，使用有效证书（可选 SM2 国密证书）。",
    };

    public static ReportDocument Build(DetectionNoticeInput input)
    {
        var findings = input.Findings;
        var blocks = new List<Block>
        {
            new Paragraph($"{input.Unit.Name}："),
            new Paragraph(findings.Count == 0
                ? $"截至 {Blank.Date(input.IssuedOn)}，远程检测未发现贵单位存在待整改的安全问题。请继续落实网络安全等级保护制度，定期开展检测。"
                : $"根据《中华人民共和国网络安全法》第二十一条和网络安全等级保护制度要求，{input.Issuer}对贵单位互联网暴露资产开展了远程安全检测，发现以下 {findings.Count} 项安全问题（高危 {Sev(findings, Severity.High)} 项、中危 {Sev(findings, Severity.Medium)} 项、低危 {Sev(findings, Severity.Low)} 项）。请在规定期限内完成整改，并将整改情况报送。"),
        };
        if (findings.Count > 0)
        {
            blocks.Add(new Heading(1, "一、问题汇总"));
            blocks.Add(new TableBlock("按资产与严重程度汇总", ["资产", "高危", "中危", "低危", "信息", "合计"],
                [.. findings.GroupBy(f => f.Asset).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<string>)[g.Key,
                    N(Sev(g, Severity.High)), N(Sev(g, Severity.Medium)), N(Sev(g, Severity.Low)), N(Sev(g, Severity.Info)), N(g.Count())])],
                "汇总"));
            blocks.Add(new TableBlock("按检测类型汇总", ["检测类型", "问题数", "最早整改期限"],
                [.. findings.GroupBy(f => f.Detector).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<string>)[DetectorName(g.Key), N(g.Count()),
                    g.Min(f => f.DueOn) is { } d ? Blank.Date(d) : "—"])],
                "按类型"));

            blocks.Add(new Heading(1, "二、问题明细"));
            var n = 0;
            foreach (var asset in findings.GroupBy(f => f.Asset).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                blocks.Add(new Heading(2, $"资产：{asset.Key}"));
                foreach (var f in asset.OrderByDescending(f => f.Severity).ThenBy(f => f.RuleId, StringComparer.Ordinal))
                {
                    n++;
                    blocks.Add(new Heading(3, $"{n}. [{SeverityLabel(f.Severity)}] {f.Title}"));
                    blocks.Add(GradingReport.Facts($"问题 {n}",
                        ("检测类型", DetectorName(f.Detector)),
                        ("规则", f.RuleId),
                        ("位置", f.Target),
                        ("所属定级对象", f.System ?? "—"),
                        ("证据（个人信息已脱敏）", f.Evidence is { Length: > 0 } e ? EvidenceMask.Mask(e) : "—"),
                        ("GB/T 22239 条款", f.StandardRefs.Count == 0 ? "—" : string.Join("、", f.StandardRefs)),
                        ("CWE", f.Cwe ?? "—"),
                        ("首次发现", Blank.Date(f.FirstSeen)),
                        ("整改期限", f.DueOn is { } d ? Blank.Date(d) : "—"),
                        ("状态", f.Status)));
                }
            }

            blocks.Add(new Heading(1, "三、整改要求"));
            foreach (var kind in findings.GroupBy(f => f.Detector).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                blocks.Add(new Heading(2, DetectorName(kind.Key)));
                blocks.Add(new Paragraph(FixByDetector.GetValueOrDefault(kind.Key, "按问题说明逐项修复，修复后申请复测。")));
                foreach (var rule in kind.Where(f => f.Remediation is { Length: > 0 }).GroupBy(f => f.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    blocks.Add(new Paragraph($"· {rule.First().Title}（{rule.Key}）：{rule.First().Remediation}"));
                }
            }

            blocks.Add(new Paragraph("高危问题应在期限内优先整改；整改完成后平台将在下一轮检测中复测，未按期整改的将纳入通报。", true));
        }

        blocks.Add(new Paragraph($"{input.Issuer}  {Blank.Date(input.IssuedOn)}"));
        return new ReportDocument(ReportKind.Notice, "网络安全问题整改通知", $"{input.Unit.Name} · {Blank.Date(input.IssuedOn)}", blocks);
    }

    internal static string DetectorName(string detector) => detector.ToLowerInvariant() switch
    {
        "ports" => "端口与服务",
        "web" => "网站漏洞",
        "apk" => "移动应用",
        "logic" => "业务逻辑（公众号/预约）",
        "tls" => "传输加密",
        var other => other,
    };

    internal static string SeverityLabel(Severity severity) => severity == Severity.Info ? "信息" : severity.ToChinese() + "危";

    private static int Sev(IEnumerable<NoticeFinding> findings, Severity severity) => findings.Count(f => f.Severity == severity);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
}
