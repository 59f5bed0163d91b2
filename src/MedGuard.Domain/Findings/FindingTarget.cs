using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MedGuard.Domain.Findings;

/// <summary>
/// What a finding is about, typed per kind of asset instead of a string parsed back later. The set is closed: a network
/// service, a place on a website, a place in an app, an official account (公众号) / H5 entry. Each kind says which of
/// its fields make the finding's identity (<see cref="IdentityParts"/>); the others are context that may change from
/// run to run (a file name, an HTTP method) without making it a different finding.
/// </summary>
public abstract record FindingTarget
{
    private protected FindingTarget()
    {
    }

    /// <summary>The kind as written in the run's JSON: <c>service</c>, <c>web</c>, <c>app</c>, <c>account</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>One line for people and for the JSON's <c>target</c>: <c>10.200.0.2:3389</c>, a URL, a package.</summary>
    public abstract string Display { get; }

    /// <summary>The fields that say which finding this is, in a fixed order; never evidence, never a file name.</summary>
    public abstract IReadOnlyList<string> IdentityParts { get; }

    /// <summary>
    /// The finding's fingerprint on this target: rule and identity parts, hashed. It survives what users do — a
    /// renamed APK or a new build of the same app, a new scan date, changed evidence — and changes when the rule or
    /// the place does.
    /// </summary>
    public string FingerprintOf(string ruleId)
    {
        // Version tag first: a later change of identity rules must not silently collide with these fingerprints.
        var canonical = new StringBuilder("medguard/v2").Append('\n').Append(Kind).Append('\n').Append(ruleId);
        foreach (var part in IdentityParts)
        {
            canonical.Append('\n').Append(part);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..32];
    }

    public sealed override string ToString() => Display;
}

/// <summary>A TCP service: host (address or name) and port. Identity: host, port.</summary>
public sealed record ServiceTarget(string Host, int Port) : FindingTarget
{
    public override string Kind => "service";

    public override string Display => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    public override IReadOnlyList<string> IdentityParts => [Host.ToLowerInvariant(), Port.ToString(CultureInfo.InvariantCulture)];
}

/// <summary>
/// A place on a website: origin (<c>https://host:port</c>), path and, for input checks, the parameter. Identity:
/// origin, path, parameter. The HTTP method is context: the same parameter of the same path is one weakness.
/// </summary>
public sealed record WebTarget(string Origin, string Path, string? Parameter) : FindingTarget
{
    /// <summary>GET, POST… or TLS for a transport finding.</summary>
    public string? Method { get; init; }

    public string Url => Origin + Path;

    public override string Kind => "web";

    public override string Display => Parameter is null ? Url : $"{Url} 参数 {Parameter}";

    public override IReadOnlyList<string> IdentityParts => [Origin.ToLowerInvariant(), Path, Parameter ?? ""];

    /// <summary>Splits an absolute URL into origin and path (query and fragment dropped).</summary>
    public static WebTarget FromUrl(Uri url, string? parameter) =>
        new(url.GetLeftPart(UriPartial.Authority), url.AbsolutePath, parameter);
}

/// <summary>
/// A place in an Android app: package name and, for code and components, the class or method (smali descriptor) or
/// the manifest. Identity: package, member. The file name is context: a renamed file or a new build of the same app
/// keeps its findings.
/// </summary>
public sealed record AppTarget(string Package, string? Member) : FindingTarget
{
    /// <summary>The APK file the finding was read from (context, not identity).</summary>
    public string? File { get; init; }

    public override string Kind => "app";

    public override string Display => Member is null ? Package : $"{Package} {Member}";

    public override IReadOnlyList<string> IdentityParts => [Package, Member ?? ""];
}

/// <summary>
/// A WeChat official account (公众号), mini-program (小程序) or H5 booking entry, and the endpoint behind it. Identity:
/// account (name or AppID as registered), endpoint.
/// </summary>
public sealed record AccountTarget(string Account, string? Endpoint) : FindingTarget
{
    public override string Kind => "account";

    public override string Display => Endpoint is null ? Account : $"{Account} {Endpoint}";

    public override IReadOnlyList<string> IdentityParts => [Account, Endpoint ?? ""];
}
