using System.Net;
using System.Text.RegularExpressions;

namespace MedGuard.Server.Tests;

/// <summary>What a reader of a page sees: its text without markup, scripts or attribute values.</summary>
internal static partial class PageText
{
    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Hidden();

    [GeneratedRegex(@"<!--.*?-->|<[^>]+>", RegexOptions.Singleline)]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();

    [GeneratedRegex(@"href=""(/[^""#]*)""")]
    private static partial Regex Link();

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""([^""]+)""|type=""hidden"" name=""__RequestVerificationToken"" value=""([^""]+)""")]
    private static partial Regex Token();

    public static string Visible(string html) =>
        Space().Replace(WebUtility.HtmlDecode(Tag().Replace(Hidden().Replace(html, " "), " ")), " ").Trim();

    /// <summary>Same-site links of the page (paths with their query), HTML-decoded.</summary>
    public static IEnumerable<string> Links(string html) => Link().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));

    /// <summary>The anti-forgery token of the page's first form, as a browser would post it (HTML-decoded).</summary>
    public static string AntiForgeryToken(string html)
    {
        var match = Token().Match(html);
        Assert.True(match.Success, "页面上没有防伪令牌");
        return WebUtility.HtmlDecode(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value);
    }
}
