using System.Globalization;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Ports.Reporting;

/// <summary>Plain-text report for a terminal or a log: hosts and open ports, findings, then the summary.</summary>
public static class TableReportWriter
{
    public static void Write(ScanReport report, TextWriter output)
    {
        foreach (var host in report.Hosts)
        {
            var name = host.Target.HostName is null ? "" : $" ({host.Target.HostName})";
            var note = host.Unresponsive ? "  [主机停止响应，已放弃]" : host.Backoffs > 0 ? $"  [退避 {host.Backoffs} 次]" : "";
            output.WriteLine($"主机 {host.Target.Address}{name}: 开放 {host.OpenPorts.Count}，关闭 {host.ClosedCount}，过滤 {host.FilteredCount}{note}");
            if (host.OpenPorts.Count == 0)
            {
                continue;
            }

            output.WriteLine($"  {"端口",-8}{"状态",-8}{"服务",-16}产品 / 标识");
            foreach (var port in host.OpenPorts)
            {
                var service = port.Service?.Name ?? "?";
                var product = port.Service?.ProductLine() ?? port.Service?.Banner ?? "";
                output.WriteLine($"  {port.Port + "/" + port.Protocol,-10}{"open",-10}{service,-18}{Clip(product, 90)}");
            }
        }

        output.WriteLine();
        output.WriteLine($"发现 ({report.Findings.Count}):");
        foreach (var finding in report.Findings)
        {
            var cases = finding.HighRiskCases.Count > 0 ? $" 判例 {string.Join('/', finding.HighRiskCases)}" : "";
            output.WriteLine($"  [{finding.Severity.ToChinese()}] {finding.Target.Display,-22} {finding.Title}{cases}");
        }

        var s = report.Summary;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"汇总: 主机 {s.Hosts} 台，有开放端口 {s.HostsWithOpenPorts} 台，开放端口 {s.OpenPorts} 个，端口种类 {s.DistinctPorts} 种，存在高危端口的主机 {s.HostsWithHighRiskPorts} 台"));
        if (s.PortDistribution.Count > 0)
        {
            output.WriteLine("端口分布 (端口: 主机数): " + string.Join("，", s.PortDistribution.Select(d => $"{d.Port}: {d.Hosts}")));
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
