using MedGuard.Detection.Apk.Axml;

namespace MedGuard.Detection.Apk.Model;

/// <summary>Reads res/xml/network_security_config.xml (binary XML): cleartext permissions and trusted user CAs.</summary>
public static class NetworkSecurityConfigReader
{
    public static NetworkSecurityConfig Read(AxmlElement root, string path)
    {
        var baseConfig = root.ChildrenNamed("base-config").FirstOrDefault();
        var cleartext = baseConfig?.GetPlain("cleartextTrafficPermitted")?.AsBoolean() ?? false;
        var domains = new List<string>();
        foreach (var domainConfig in root.Descendants().Where(e => e.Name == "domain-config"))
        {
            if (domainConfig.GetPlain("cleartextTrafficPermitted")?.AsBoolean() == true)
            {
                domains.AddRange(domainConfig.ChildrenNamed("domain").Select(d => d.Text ?? "(domain)"));
            }
        }

        var userCas = root.Descendants().Any(e => e.Name == "certificates" && e.GetPlain("src")?.Text == "user"
            && !IsUnderDebugOverrides(root, e));
        return new NetworkSecurityConfig(path, cleartext, domains, userCas);
    }

    private static bool IsUnderDebugOverrides(AxmlElement root, AxmlElement target) =>
        root.ChildrenNamed("debug-overrides").Any(d => d.Descendants().Contains(target));
}
