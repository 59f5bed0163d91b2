using System.Net;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Crawl;

/// <summary>A form as found in a page: action, method and its fields with their default values.</summary>
public sealed record HtmlForm(Uri Action, string Method, IReadOnlyList<KeyValuePair<string, string>> Fields)
{
    /// <summary>Each field's input type as written (text, password, hidden, email…; text when absent).</summary>
    public IReadOnlyDictionary<string, string> FieldTypes { get; init; } = new Dictionary<string, string>();

    /// <summary>True for <c>enctype="multipart/form-data"</c>: the browser sends the fields as multipart parts.</summary>
    public bool Multipart { get; init; }
}

/// <summary>A request named in a script: fetch / $.ajax / axios calls of single-page apps, with JSON body keys.</summary>
public sealed record ScriptCall(Uri Url, string Method, IReadOnlyList<KeyValuePair<string, string>> JsonFields, IReadOnlyList<KeyValuePair<string, string>> FormFields);

/// <summary>
/// Pulls links, forms, scripts and script-named endpoints out of HTML and JavaScript. Regex based and bounded: the
/// input is cut at a fixed size and every regex has a timeout, so a hostile page cannot stall the crawl.
/// </summary>
public static partial class PageParser
{
    private const int MaxChars = 1024 * 1024;

    public static IReadOnlyList<Uri> Links(string html, Uri baseUrl)
    {
        var list = new List<Uri>();
        foreach (Match m in Safe(LinkAttr(), html))
        {
            if (Resolve(baseUrl, m.Groups["u"].Value) is { } u)
            {
                list.Add(u);
            }
        }

        return list;
    }

    public static IReadOnlyList<Uri> ScriptSources(string html, Uri baseUrl) =>
        [.. Safe(ScriptSrc(), html).Select(m => Resolve(baseUrl, m.Groups["u"].Value)).OfType<Uri>()];

    public static IReadOnlyList<string> InlineScripts(string html) =>
        [.. Safe(InlineScript(), html).Select(m => m.Groups["s"].Value).Where(s => s.Trim().Length > 0)];

    public static IReadOnlyList<HtmlForm> Forms(string html, Uri pageUrl)
    {
        var forms = new List<HtmlForm>();
        foreach (Match f in Safe(FormBlock(), html))
        {
            var attrs = f.Groups["a"].Value;
            var action = Attr(attrs, "action");
            var method = (Attr(attrs, "method") ?? "GET").ToUpperInvariant() == "POST" ? "POST" : "GET";
            // A form without an action, or with action="#" or "#section", submits to the page's own URL (HTML's form
            // submission algorithm); PHP pages written the classic way use exactly that.
            var target = string.IsNullOrWhiteSpace(action) || action.TrimStart().StartsWith('#')
                ? new UriBuilder(pageUrl) { Fragment = "" }.Uri
                : Resolve(pageUrl, action);
            if (target is null)
            {
                continue;
            }

            var fields = new List<KeyValuePair<string, string>>();
            var types = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match i in Safe(Field(), f.Groups["b"].Value))
            {
                var a = i.Groups["a"].Value;
                var name = Attr(a, "name");
                var type = (Attr(a, "type") ?? "text").ToLowerInvariant();
                if (string.IsNullOrEmpty(name) || type is "submit" or "button" or "image" or "reset" or "file")
                {
                    continue;
                }

                var value = Attr(a, "value") ?? (type is "checkbox" or "radio" ? "on" : "");
                if (types.TryAdd(name, type))
                {
                    fields.Add(new(name, value));
                }
            }

            var multipart = (Attr(attrs, "enctype") ?? "").Contains("multipart", StringComparison.OrdinalIgnoreCase) && method == "POST";
            forms.Add(new HtmlForm(target, method, fields) { FieldTypes = types, Multipart = multipart });
        }

        return forms;
    }

    /// <summary>Endpoints named in JavaScript: fetch('/api/x', {method:'POST', body: JSON.stringify({k: v})}), $.post, axios.</summary>
    public static IReadOnlyList<ScriptCall> ScriptCalls(string script, Uri baseUrl)
    {
        var calls = new List<ScriptCall>();
        foreach (Match m in Safe(FetchCall(), script))
        {
            if (Resolve(baseUrl, m.Groups["u"].Value) is not { } url)
            {
                continue;
            }

            // The options object follows the URL; look only until the next call so nested braces do not matter.
            var rest = script.Substring(m.Index + m.Length, Math.Min(800, script.Length - m.Index - m.Length));
            var next = rest.IndexOf("fetch(", StringComparison.Ordinal);
            var options = rest.TrimStart().StartsWith(',') ? (next >= 0 ? rest[..next] : rest) : "";
            var method = MethodInOptions().Match(options) is { Success: true } mm ? mm.Groups[1].Value.ToUpperInvariant() : "GET";
            var json = JsonStringify().Match(options) is { Success: true } jm ? ObjectFields(jm.Groups[1].Value) : [];
            calls.Add(new ScriptCall(url, method, json, []));
        }

        foreach (Match m in Safe(JQueryCall(), script))
        {
            if (Resolve(baseUrl, m.Groups["u"].Value) is not { } url)
            {
                continue;
            }

            var verb = m.Groups["v"].Value.ToUpperInvariant() == "POST" ? "POST" : "GET";
            var fields = ObjectFields(m.Groups["d"].Value);
            calls.Add(verb == "POST" ? new ScriptCall(url, verb, [], fields) : new ScriptCall(AddQuery(url, fields), verb, [], []));
        }

        // $.ajax({ url: '/x', type: 'POST', data: { k: v } }): the options object in any order.
        foreach (Match m in Safe(AjaxCall(), script))
        {
            var options = m.Groups["o"].Value;
            if (AjaxUrl().Match(options) is not { Success: true } um || Resolve(baseUrl, um.Groups["u"].Value) is not { } url)
            {
                continue;
            }

            var verb = AjaxType().Match(options) is { Success: true } tm && tm.Groups[1].Value.Equals("POST", StringComparison.OrdinalIgnoreCase) ? "POST" : "GET";
            var fields = AjaxData().Match(options) is { Success: true } dm ? ObjectFields(dm.Groups[1].Value) : [];
            var json = options.Contains("application/json", StringComparison.OrdinalIgnoreCase);
            calls.Add(verb == "GET" ? new ScriptCall(AddQuery(url, fields), verb, [], [])
                : json ? new ScriptCall(url, verb, fields, []) : new ScriptCall(url, verb, [], fields));
        }

        foreach (Match m in Safe(AxiosCall(), script))
        {
            if (Resolve(baseUrl, m.Groups["u"].Value) is not { } url)
            {
                continue;
            }

            var verb = m.Groups["v"].Value.ToUpperInvariant();
            calls.Add(new ScriptCall(url, verb is "POST" or "PUT" ? "POST" : "GET", ObjectFields(m.Groups["d"].Value), []));
        }

        var known = calls.Select(c => c.Url.AbsolutePath).ToHashSet(StringComparer.Ordinal);
        foreach (Match m in Safe(ApiLiteral(), script))
        {
            if (Resolve(baseUrl, m.Groups["u"].Value) is { } url && known.Add(url.AbsolutePath))
            {
                calls.Add(new ScriptCall(url, "GET", [], []));
            }
        }

        return calls;
    }

    private static Uri AddQuery(Uri url, IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        if (fields.Count == 0)
        {
            return url;
        }

        var q = string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        return new UriBuilder(url) { Query = url.Query.TrimStart('?') is { Length: > 0 } e ? e + "&" + q : q }.Uri;
    }

    private static List<KeyValuePair<string, string>> ObjectFields(string body)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (Match f in Safe(ObjectField(), body))
        {
            var value = f.Groups["s"].Success ? f.Groups["s"].Value : f.Groups["n"].Success ? f.Groups["n"].Value : "1";
            if (!list.Any(x => x.Key == f.Groups["k"].Value))
            {
                list.Add(new(f.Groups["k"].Value, value));
            }
        }

        return list;
    }

    public static Uri? Resolve(Uri baseUrl, string raw)
    {
        var value = WebUtility.HtmlDecode(raw.Trim());
        if (value.Length == 0 || value.StartsWith('#') || value.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || value.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || value.Contains("${", StringComparison.Ordinal))
        {
            return null;
        }

        if (!Uri.TryCreate(baseUrl, value, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        return new UriBuilder(u) { Fragment = "" }.Uri;
    }

    private static string? Attr(string attrs, string name)
    {
        foreach (Match m in Safe(Attribute(), attrs))
        {
            if (string.Equals(m.Groups["n"].Value, name, StringComparison.OrdinalIgnoreCase))
            {
                var v = m.Groups["d"].Success ? m.Groups["d"].Value : m.Groups["s"].Success ? m.Groups["s"].Value : m.Groups["u"].Value;
                return WebUtility.HtmlDecode(v);
            }
        }

        return null;
    }

    private static IEnumerable<Match> Safe(Regex regex, string text)
    {
        var input = text.Length > MaxChars ? text[..MaxChars] : text;
        var results = new List<Match>();
        try
        {
            var m = regex.Match(input);
            while (m.Success && results.Count < 2000)
            {
                results.Add(m);
                m = m.NextMatch();
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Keep what was found before the timeout.
        }

        return results;
    }

    [GeneratedRegex("""<(?:a|area|iframe|frame)\b[^>]*?\s(?:href|src)\s*=\s*(?:"(?<u>[^"]*)"|'(?<u>[^']*)'|(?<u>[^\s>]+))""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex LinkAttr();

    [GeneratedRegex("""<script\b[^>]*?\ssrc\s*=\s*(?:"(?<u>[^"]*)"|'(?<u>[^']*)'|(?<u>[^\s>]+))""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ScriptSrc();

    [GeneratedRegex(@"<script\b(?![^>]*\ssrc\s*=)[^>]*>(?<s>.*?)</script>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<form\b(?<a>[^>]*)>(?<b>.*?)</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline, 1000)]
    private static partial Regex FormBlock();

    [GeneratedRegex(@"<(?:input|select|textarea|button)\b(?<a>[^>]*)>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex Field();

    [GeneratedRegex("""(?<n>[\w:-]+)\s*=\s*(?:"(?<d>[^"]*)"|'(?<s>[^']*)'|(?<u>[^\s"'>]+))""", RegexOptions.None, 1000)]
    private static partial Regex Attribute();

    [GeneratedRegex("""fetch\(\s*["'`](?<u>[^"'`\s]+)["'`]""", RegexOptions.Singleline, 1000)]
    private static partial Regex FetchCall();

    [GeneratedRegex("""method\s*:\s*["'](\w+)["']""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex MethodInOptions();

    [GeneratedRegex(@"JSON\.stringify\(\s*\{(.{0,1000}?)\}\s*\)", RegexOptions.Singleline, 1000)]
    private static partial Regex JsonStringify();

    [GeneratedRegex("""\$\.(?<v>get|post|getJSON)\(\s*["'](?<u>[^"'\s]+)["']\s*(?:,\s*\{(?<d>.{0,1000}?)\})?""", RegexOptions.Singleline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex JQueryCall();

    [GeneratedRegex(@"\$\.ajax\(\s*\{(?<o>.{0,1500}?)\}\s*\)", RegexOptions.Singleline, 1000)]
    private static partial Regex AjaxCall();

    [GeneratedRegex("""\burl\s*:\s*["'](?<u>[^"'\s]+)["']""", RegexOptions.None, 1000)]
    private static partial Regex AjaxUrl();

    [GeneratedRegex("""\b(?:type|method)\s*:\s*["'](\w+)["']""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex AjaxType();

    [GeneratedRegex(@"\bdata\s*:\s*\{(.{0,1000}?)\}", RegexOptions.Singleline, 1000)]
    private static partial Regex AjaxData();

    [GeneratedRegex("""axios\.(?<v>get|post|put)\(\s*["'](?<u>[^"'\s]+)["']\s*(?:,\s*\{(?<d>.{0,1000}?)\})?""", RegexOptions.Singleline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex AxiosCall();

    [GeneratedRegex("""["'](?<u>/(?:api|service|ws|ajax)/[\w\-./]+)["']""", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ApiLiteral();

    [GeneratedRegex("""(?<k>[A-Za-z_]\w*)\s*:\s*(?:["'](?<s>[^"']*)["']|(?<n>-?\d+(?:\.\d+)?)|[\w.]+)""", RegexOptions.None, 1000)]
    private static partial Regex ObjectField();
}
