using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Crawl;

public sealed record CrawlOptions
{
    public int MaxDepth { get; init; } = 4;

    public int MaxPages { get; init; } = 200;

    /// <summary>Different query strings of one path fetched at most this often (calendars, paging).</summary>
    public int MaxVariantsPerPath { get; init; } = 3;

    /// <summary>Read robots.txt, sitemap.xml and OpenAPI / Swagger documents before crawling.</summary>
    public bool Discovery { get; init; } = true;

    /// <summary>Whether to render pages in headless Chromium as well (<c>--browser</c>).</summary>
    public BrowserMode Browser { get; init; } = BrowserMode.Off;

    /// <summary>Most pages (routes) the browser renders; each costs its page's script and API requests too.</summary>
    public int BrowserMaxPages { get; init; } = 25;

    /// <summary>Most elements clicked and forms submitted on one rendered page.</summary>
    public int BrowserActionsPerPage { get; init; } = 12;

    /// <summary>Tabs rendering at once: most of a page's time is waiting for its calls, which tabs side by side overlap.</summary>
    public int BrowserTabs { get; init; } = 3;

    /// <summary>A page has settled when none of its requests was in flight for this long (after loading, a click, a submit).</summary>
    public TimeSpan BrowserSettle { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The browser crawl stops after this long; what it recorded until then is kept.</summary>
    public TimeSpan BrowserTimeLimit { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The chromium executable; null = <see cref="BrowserCrawler.ChromiumPath"/>'s choice (Debian's headless shell when installed).</summary>
    public string? ChromiumPath { get; init; }

    /// <summary>Links never followed: they would end the session or change data.</summary>
    public Regex Exclude { get; init; } = new(@"(?i)(logout|logoff|signout|sign-out|exit|退出|注销|delete|remove|cancel)", RegexOptions.None, TimeSpan.FromSeconds(1));
}

/// <summary>When the crawl renders pages in a headless browser (<c>--browser auto|on|off</c>).</summary>
public enum BrowserMode
{
    /// <summary>Links and forms from the HTML only (fast; enough for server-rendered sites).</summary>
    Off,

    /// <summary>Render when the first pages look like a script-built site (few links, script bundles, an empty app root).</summary>
    Auto,

    /// <summary>Always render.</summary>
    On,
}
