using System.Net;
using System.Text.RegularExpressions;
using MedGuard.Domain.Platform;
using MedGuard.Standards.Obligations;
using MedGuard.Storage.Tenancy;

namespace MedGuard.Server.Tests;

/// <summary>
/// Every page a demo role reaches by following links shows names, not machinery: no GUIDs, no internal enum names
/// (InformationSystem, TertiaryA…), no confidence marks ([unsure]) — and the workbench heading names the institution,
/// agency or region in Chinese.
/// </summary>
public sealed partial class UserFacingTextTests
{
    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"\[(unsure|secondary|verified|seed)\]", RegexOptions.IgnoreCase)]
    private static partial Regex ConfidenceMark();

    /// <summary>Enum member names a user must never read (matched case-sensitively as whole words: "His" is not "HIS").</summary>
    private static readonly string[] EnumNames =
    [
        .. new[] { typeof(PlatformUser).Assembly, typeof(ObligationKind).Assembly, typeof(TenantKind).Assembly }
            .SelectMany(a => a.GetTypes()).Where(t => t.IsEnum && t.IsPublic)
            .SelectMany(Enum.GetNames)
            .Where(n => n.Length >= 3 && char.IsUpper(n[0]) && n.Any(char.IsLower))
            // "App" is also the Chinese UI's own word (AssetKind.App shows as App, the demo's 掌上医院 App): not a leak.
            .Where(n => n != "App")
            .Distinct(),
    ];

    [Theory]
    [InlineData("admin", "全平台")]
    [InlineData("regulator", "监管部门：北京市")]
    [InlineData("haidian", "监管部门：北京市海淀区")]
    [InlineData("hospital", "首都医学中心")]
    [InlineData("assessor", "京安网络安全等级测评中心（演示）")]
    public async Task NoPageShowsIdsEnumNamesOrConfidenceMarks(string role, string heading)
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        using var user = await ApiClient.LoginAsync(platform, role);

        // The workbench says whose data it is, by name (it said "医疗机构(2820af5f-…)" / "监管部门(区划 11)").
        var (_, workbench) = await user.SendAsync(HttpMethod.Get, "/");
        Assert.Equal($"工作台 {heading}", PageText.Visible(Regex.Match(workbench, "<h1.*?</h1>", RegexOptions.Singleline).Value));

        var queue = new Queue<string>(["/", "/deadlines?status=soon", "/deadlines?status=overdue", "/systems?state=ungraded", "/systems/new", "/audit"]);
        var seen = new HashSet<string>();
        var perShape = new Dictionary<string, int>();
        var problems = new List<string>();
        var visited = 0;
        while (queue.Count > 0 && visited < 60)
        {
            var url = queue.Dequeue();
            // One or two pages of each shape (/systems/{id}, /institutions?p=…) say what all of them show.
            var shape = GuidPattern().Replace(url.Split('?')[0], "{id}") + "?" + string.Join("&", (url.Split('?').ElementAtOrDefault(1) ?? "").Split('&').Select(p => p.Split('=')[0]).Order());
            if (!seen.Add(url) || perShape.GetValueOrDefault(shape) >= 2)
            {
                continue;
            }

            perShape[shape] = perShape.GetValueOrDefault(shape) + 1;
            var (status, html) = await user.SendAsync(HttpMethod.Get, url);
            if (status != HttpStatusCode.OK)
            {
                continue; // a page of another role (403) or a redirect: not something this role sees
            }

            visited++;
            var text = PageText.Visible(html);
            foreach (Match m in GuidPattern().Matches(text))
            {
                problems.Add($"{url}: GUID {m.Value}");
            }

            foreach (Match m in ConfidenceMark().Matches(text))
            {
                problems.Add($"{url}: 可信度标记 {m.Value}");
            }

            foreach (var name in EnumNames.Where(n => Regex.IsMatch(text, $"(?<![A-Za-z]){n}(?![A-Za-z])")))
            {
                problems.Add($"{url}: 内部名称 {name}");
            }

            foreach (var link in PageText.Links(html))
            {
                if (!link.StartsWith("/lib/", StringComparison.Ordinal) && !link.StartsWith("/css/", StringComparison.Ordinal)
                    && !link.StartsWith("/js/", StringComparison.Ordinal) && !link.StartsWith("/api/", StringComparison.Ordinal)
                    && !link.StartsWith("/account/", StringComparison.Ordinal))
                {
                    queue.Enqueue(link);
                }
            }
        }

        Assert.True(visited >= 8, $"{role} 只访问到 {visited} 个页面");
        if (role == "regulator")
        {
            // Regions by name (行政区划 table), not by code: the dashboard said "海淀区（110108）", the list "110108".
            var (_, dashboard) = await user.SendAsync(HttpMethod.Get, "/dashboard");
            Assert.Contains("<td>北京市海淀区</td>", dashboard, StringComparison.Ordinal);
            Assert.DoesNotContain("110108", PageText.Visible(dashboard), StringComparison.Ordinal);
            var (_, institutions) = await user.SendAsync(HttpMethod.Get, "/institutions?p=2");
            Assert.DoesNotMatch(@"<td>11\d{4}</td>", institutions);
            Assert.Matches(@"<td>北京市\p{IsCJKUnifiedIdeographs}+区</td>", institutions);
        }

        if (role == "admin")
        {
            // The users page names each regulator's region (it showed the bare code "11").
            var (_, users) = await user.SendAsync(HttpMethod.Get, "/admin/users");
            Assert.Contains("<td class=\"small\">北京市海淀区</td>", users, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"<td class=""small"">\d{2,6}</td>", users);
        }

        Assert.True(problems.Count == 0, $"{role} 看到的页面上有不该出现的内容：\n" + string.Join("\n", problems.Distinct().Take(40)));
    }
}
