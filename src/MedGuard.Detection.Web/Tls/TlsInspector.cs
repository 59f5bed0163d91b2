using System.ComponentModel;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MedGuard.Detection.Tls;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Findings;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Web.Tls;

/// <summary>
/// TLS checks of an https site (传输加密): TLS 1.0/1.1 still offered, certificate expired, self-signed (or from an
/// untrusted issuer), issued for another host name, or with a weak key or signature. A few handshakes, scope-checked
/// like every request.
/// </summary>
public sealed class TlsInspector(AuthorizedScope scope, TimeSpan timeout, X509Certificate2Collection? trustedRoots = null)
{

    /// <summary>Handshakes made (for the report's traffic figures).</summary>
    public int Handshakes { get; private set; }

    public async Task<IReadOnlyList<WebFinding>> InspectAsync(Uri url, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return [];
        }

        if (!scope.Permits(url))
        {
            throw new OutOfScopeException(url);
        }

        var findings = new List<WebFinding>();
        var main = await HandshakeAsync(url, SslProtocols.None, cancellationToken).ConfigureAwait(false);
        if (main.Certificate is null)
        {
            // The local TLS library refused the server (old protocol only, weak key…): read its certificate from our
            // own hello instead, newest protocol first.
            main = await RawCertificateAsync(url, cancellationToken).ConfigureAwait(false) ?? main;
        }

        if (main.Certificate is { } cert)
        {
            var summary = Describe(url, cert, main);
            var now = DateTime.UtcNow;
            if (cert.NotAfter.ToUniversalTime() < now || cert.NotBefore.ToUniversalTime() > now)
            {
                findings.Add(Finding(url, "tls-certificate-expired", "TLS 证书已过期或尚未生效", Severity.Medium, "CWE-298", summary,
                    "更换为有效期内的证书，并建立到期提醒。"));
            }

            if (main.SelfSigned || main.Untrusted)
            {
                findings.Add(Finding(url, "tls-certificate-untrusted", main.SelfSigned ? "TLS 证书为自签名证书" : "TLS 证书颁发者不受信任", Severity.Medium, "CWE-295", summary,
                    "使用受信任的证书颁发机构签发的证书。"));
            }

            if (main.NameMismatch)
            {
                findings.Add(Finding(url, "tls-certificate-hostname", "TLS 证书与主机名不符", Severity.Medium, "CWE-297", summary,
                    "证书的 subjectAltName 应包含网站实际使用的域名。"));
            }

            if (WeakKey(cert) is { } weakness)
            {
                findings.Add(Finding(url, "tls-weak-key", "TLS 证书密钥或签名算法强度不足", Severity.Medium, "CWE-326", summary + "\n弱点：" + weakness,
                    "使用 RSA 2048 位以上或 ECDSA P-256 以上密钥，签名算法 SHA-256 以上（或 SM2 国密证书）。"));
            }
        }

        foreach (var version in new[] { TlsHelloProbe.Tls10, TlsHelloProbe.Tls11 })
        {
            Handshakes++;
            var name = TlsHelloResult.VersionName(version);
            var legacy = await TlsHelloProbe.SendAsync(url.Host, url.Port, version, timeout, cancellationToken).ConfigureAwait(false);
            if (legacy.Hopeless)
            {
                break; // not TLS, or not answering: the other old version will not be offered either
            }

            if (legacy.Succeeded && legacy.Version == version)
            {
                findings.Add(Finding(url, "tls-legacy-protocol", $"服务器仍支持过时的 {name}", Severity.Medium, "CWE-327",
                    string.Create(CultureInfo.InvariantCulture, $"ClientHello（最高 {name}）→ ServerHello {name}，密码套件 0x{legacy.CipherSuite:x4}：{url.Host}:{url.Port}"),
                    "只启用 TLS 1.2 及以上版本。", name));
            }
        }

        return findings;
    }

    /// <summary>A key or signature too weak for a public site: RSA/DSA below 2048 bits, EC below 256, SHA-1/MD5 signatures.</summary>
    public static string? WeakKey(X509Certificate2 cert)
    {
        var signature = cert.SignatureAlgorithm.FriendlyName ?? cert.SignatureAlgorithm.Value ?? "";
        if (signature.Contains("md5", StringComparison.OrdinalIgnoreCase) || signature.Contains("sha1", StringComparison.OrdinalIgnoreCase))
        {
            return $"签名算法 {signature}";
        }

        using var rsa = cert.GetRSAPublicKey();
        if (rsa is not null && rsa.KeySize < 2048)
        {
            return string.Create(CultureInfo.InvariantCulture, $"RSA {rsa.KeySize} 位");
        }

        using var ec = cert.GetECDsaPublicKey();
        if (ec is not null && ec.KeySize < 256)
        {
            return string.Create(CultureInfo.InvariantCulture, $"ECDSA {ec.KeySize} 位");
        }

        using var dsa = cert.GetDSAPublicKey();
        return dsa is not null && dsa.KeySize < 2048 ? string.Create(CultureInfo.InvariantCulture, $"DSA {dsa.KeySize} 位") : null;
    }

    private WebFinding Finding(Uri url, string ruleId, string title, Severity severity, string cwe, string evidence, string remediation, string? technique = null)
    {
        var exchange = new HttpExchange
        {
            Request = new ScanRequest("TLS", url), // a handshake, not an HTTP request: never sent through the pipeline
            RawRequest = $"TLS 握手 {url.Host}:{url.Port}（SNI {url.Host}）",
            Status = 0,
            Error = null,
        };
        var finding = WebFinding.From(ruleId, title, severity, exchange, technique: technique ?? "tls", cwe: cwe, standardRefs: FindingRefs.Transport.StandardRefs,
            remediation: remediation, url: $"{url.Scheme}://{url.Host}:{url.Port}/");
        var evidenceMap = new Dictionary<string, string>(finding.Finding.Evidence) { ["response"] = evidence };
        return finding with { Finding = finding.Finding with { Evidence = evidenceMap } };
    }

    private static string Describe(Uri url, X509Certificate2 cert, HandshakeResult r)
    {
        var sb = new StringBuilder();
        sb.Append("主机 ").Append(url.Host).Append(':').Append(url.Port).Append("，协议 ").Append(r.Protocol).Append('\n');
        sb.Append("主题 ").Append(cert.Subject).Append('\n');
        sb.Append("颁发者 ").Append(cert.Issuer).Append('\n');
        sb.Append("有效期 ").Append(cert.NotBefore.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
          .Append(" 至 ").Append(cert.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("签名算法 ").Append(cert.SignatureAlgorithm.FriendlyName).Append('\n');
        sb.Append("公钥 ").Append(cert.PublicKey.Oid.FriendlyName).Append(' ').Append(cert.GetRSAPublicKey()?.KeySize ?? cert.GetECDsaPublicKey()?.KeySize ?? 0).Append(" 位\n");
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is not null)
        {
            sb.Append("SAN ").Append(string.Join(", ", san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(i => i.ToString())))).Append('\n');
        }

        sb.Append("校验结果 ").Append(r.Errors);
        return sb.ToString();
    }

    private async Task<HandshakeResult> HandshakeAsync(Uri url, SslProtocols protocols, CancellationToken cancellationToken)
    {
        Handshakes++;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var result = new HandshakeResult();
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(url.Host, url.Port, cts.Token).ConfigureAwait(false);
            await using var ssl = new SslStream(tcp.GetStream(), false, (_, certificate, chain, errors) =>
            {
                if (certificate is not null)
                {
                    result.Certificate = new X509Certificate2(certificate);
                    Judge(result, result.Certificate, errors);
                }

                return true; // record, never refuse: the scan reports the problem instead
            });
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = url.Host,
                EnabledSslProtocols = protocols,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cts.Token).ConfigureAwait(false);
            result.Succeeded = true;
            result.Protocol = ssl.SslProtocol.ToString();
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException or PlatformNotSupportedException or Win32Exception)
        {
            result.Succeeded = false;
        }

        return result;
    }

    /// <summary>The certificate as sent in answer to our own ClientHello, judged as the handshake would judge it.</summary>
    private async Task<HandshakeResult?> RawCertificateAsync(Uri url, CancellationToken cancellationToken)
    {
        foreach (var version in new[] { TlsHelloProbe.Tls12, TlsHelloProbe.Tls11, TlsHelloProbe.Tls10 })
        {
            Handshakes++;
            var hello = await TlsHelloProbe.SendAsync(url.Host, url.Port, version, timeout, cancellationToken).ConfigureAwait(false);
            if (hello.Hopeless)
            {
                return null;
            }

            if (!hello.Succeeded || hello.Chain.Count == 0)
            {
                continue;
            }

            X509Certificate2 cert;
            try
            {
                cert = X509CertificateLoader.LoadCertificate(hello.Chain[0]);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null; // not a certificate we can read: nothing to judge
            }

            var result = new HandshakeResult { Certificate = cert, Protocol = TlsHelloResult.VersionName(hello.Version) + "（自有握手探测）" };
            var errors = cert.MatchesHostname(url.Host) ? SslPolicyErrors.None : SslPolicyErrors.RemoteCertificateNameMismatch;
            Judge(result, cert, errors, hello.Chain.Skip(1));
            return result;
        }

        return null;
    }

    private void Judge(HandshakeResult result, X509Certificate2 cert, SslPolicyErrors errors, IEnumerable<byte[]>? intermediates = null)
    {
        result.NameMismatch = errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);
        result.SelfSigned = cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData) && !IsTrustedRoot(cert);
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        foreach (var der in intermediates ?? [])
        {
            try
            {
                chain.ChainPolicy.ExtraStore.Add(X509CertificateLoader.LoadCertificate(der));
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // An unreadable intermediate only means the chain will not build: reported as untrusted.
            }
        }

        if (trustedRoots is { Count: > 0 })
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trustedRoots);
        }

        result.Untrusted = !chain.Build(cert);
        result.Errors = errors == SslPolicyErrors.None && !result.Untrusted ? "通过" : $"{errors}{(result.Untrusted ? "；证书链不受信任" : "")}";
    }

    private bool IsTrustedRoot(X509Certificate2 cert) =>
        trustedRoots?.Any(r => r.Thumbprint == cert.Thumbprint) ?? false;

    private sealed class HandshakeResult
    {
        public X509Certificate2? Certificate { get; set; }
        public bool Succeeded { get; set; }
        public string Protocol { get; set; } = "";
        public bool NameMismatch { get; set; }
        public bool SelfSigned { get; set; }
        public bool Untrusted { get; set; }
        public string Errors { get; set; } = "";
    }
}
