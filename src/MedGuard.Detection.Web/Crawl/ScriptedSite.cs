using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>
/// Whether a site builds its pages in script, judged from the first pages the link crawl fetched (<c>--browser auto</c>):
/// an empty application root, navigation drawn by script, client-side routing, or almost no links beside script bundles.
/// A server-rendered site with its links in the HTML keeps the fast link crawl.
/// </summary>
public static partial class ScriptedSite
{
    /// <summary>The reason to render (Chinese, for the progress line and the report), or null when the HTML suffices.</summary>
    public static string? Reason(IReadOnlyList<HttpExchange> pages)
    {
        foreach (var page in pages.Where(p => p.IsHtml).Take(3))
        {
            var body = page.Body;
            var url = page.FinalUrl ?? page.Request.Url;
            var scripts = PageParser.ScriptSources(body, url).Count + PageParser.InlineScripts(body).Count;
            if (scripts == 0)
            {
                continue;
            }

            if (EmptyAppRoot().IsMatch(body))
            {
                return "页面的应用根节点为空，内容由脚本渲染";
            }

            var script = string.Join('\n', PageParser.InlineScripts(body));
            if (ClientRouting().IsMatch(body))
            {
                return "页面使用前端路由（history.pushState / hash 路由）";
            }

            if (ScriptNavigation().IsMatch(script) || EmptyNavigation().IsMatch(body))
            {
                return "导航菜单由脚本生成";
            }

            // Few links is telling only on the start page: a site's inner pages may well have few.
            var links = PageParser.Links(body, url).Count(l => string.Equals(l.Authority, url.Authority, StringComparison.OrdinalIgnoreCase));
            if (links < 3 && page == pages.First(p => p.IsHtml))
            {
                return $"页面只有 {links} 个链接，另有脚本";
            }
        }

        // Script bundles the link crawl fetched: a router or a menu built in script.
        foreach (var js in pages.Where(p => p.ContentType.Contains("javascript", StringComparison.OrdinalIgnoreCase)).Take(5))
        {
            if (ClientRouting().IsMatch(js.Body))
            {
                return "脚本使用前端路由（history.pushState / hash 路由）";
            }

            if (ScriptNavigation().IsMatch(js.Body))
            {
                return "导航菜单由脚本生成";
            }
        }

        return null;
    }

    [GeneratedRegex("""<div\b[^>]*\bid\s*=\s*["'](?:app|root|main-app|__next|__nuxt|q-app)["'][^>]*>\s*</div>""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex EmptyAppRoot();

    [GeneratedRegex(@"history\.pushState|location\.hash\s*=|hashchange|createWebHistory|createWebHashHistory|BrowserRouter|HashRouter|ng-view|router-view", RegexOptions.None, 1000)]
    private static partial Regex ClientRouting();

    [GeneratedRegex("""(?:innerHTML|insertAdjacentHTML|append)\s*[(=+][^;]{0,200}<a\s|createElement\(\s*["']a["']\)|\.href\s*=""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ScriptNavigation();

    [GeneratedRegex("""<(?:nav|ul|div)\b[^>]*\b(?:id|class)\s*=\s*["'][^"']*(?:menu|nav)[^"']*["'][^>]*>\s*</(?:nav|ul|div)>""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex EmptyNavigation();
}
