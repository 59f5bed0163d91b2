using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Crawl;

public sealed record CrawlOptions
{
    public int MaxDepth { get; init; } = 4;

    public int MaxPages { get; init; } = 200;

    /// <summary>Different query strings of one path fetched at most this often (calendars, paging).</summary>
    public int MaxVariantsPerPath { get; init; } = 3;

    /// <summary>Links never followed: they would end the session or change data.</summary>
    public Regex Exclude { get; init; } = new(@"(?i)(logout|logoff|signout|sign-out|exit|退出|注销|delete|remove|cancel)", RegexOptions.None, TimeSpan.FromSeconds(1));
}
