using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Endpoints;

/// <summary>
/// The servers an app talks to: the web origins of the URLs in its DEX string tables (code strings, WebView targets —
/// read from the sorted tables by prefix, no method decoded) and the domains of its network security config. XML
/// namespaces and schema URIs name no server and are left out; so is loopback.
/// </summary>
public static class EndpointCollector
{
    private const int Limit = 500;

    private static readonly string[] Schemes = ["http://", "https://", "ws://", "wss://"];

    private static readonly HashSet<string> NotServers = new(StringComparer.OrdinalIgnoreCase)
    {
        "schemas.android.com", "www.w3.org", "w3.org", "ns.adobe.com", "xmlpull.org", "xml.org", "xml.apache.org", "java.sun.com",
        "purl.org", "schemas.xmlsoap.org", "schemas.microsoft.com", "json-schema.org", "www.example.com", "example.com",
        "localhost", "127.0.0.1", "www.apache.org", "apache.org", "schema.org",
    };

    public static IReadOnlyList<AppEndpoint> Collect(IEnumerable<DexFile> dexFiles, NetworkSecurityConfig? nsc)
    {
        var found = new Dictionary<string, AppEndpoint>(StringComparer.OrdinalIgnoreCase);
        foreach (var dex in dexFiles)
        {
            foreach (var scheme in Schemes)
            {
                for (var i = dex.LowerBoundString(scheme); i < dex.StringCount && found.Count < Limit; i++)
                {
                    var text = dex.GetString((uint)i);
                    if (!text.StartsWith(scheme, StringComparison.Ordinal))
                    {
                        break;
                    }

                    if (OriginOf(text) is { } origin && !found.ContainsKey(origin))
                    {
                        found[origin] = new AppEndpoint(origin, text, "代码字符串");
                    }
                }
            }
        }

        foreach (var domain in nsc?.CleartextDomains ?? [])
        {
            if (OriginOf("http://" + domain) is { } origin && !found.ContainsKey(origin))
            {
                found[origin] = new AppEndpoint(origin, domain, nsc!.Path);
            }
        }

        return [.. found.Values.OrderBy(e => e.Origin, StringComparer.Ordinal)];
    }

    /// <summary><c>scheme://host[:port]</c> of a URL naming a real server, or null.</summary>
    public static string? OriginOf(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Host.Length == 0 || !uri.Host.Contains('.', StringComparison.Ordinal)
            || NotServers.Contains(uri.Host) || uri.Host.StartsWith('%') || uri.Host.Contains('%', StringComparison.Ordinal))
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }
}

/// <summary>A server an app talks to: its origin, one URL or domain that names it, and where it was found.</summary>
public sealed record AppEndpoint(string Origin, string Example, string Source)
{
    /// <summary>Plain HTTP or WebSocket: traffic to it is readable on the way.</summary>
    public bool Cleartext => Origin.StartsWith("http://", StringComparison.Ordinal) || Origin.StartsWith("ws://", StringComparison.Ordinal);
}
