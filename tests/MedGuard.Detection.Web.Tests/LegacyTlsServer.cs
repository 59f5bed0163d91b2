using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// A real old-style HTTPS server for the TLS checks' positive cases: Debian's <c>openssl s_server</c> on a port of
/// 127.0.0.1 the OS picks, serving only TLS 1.0 and 1.1 (security level 0) with a self-signed RSA-1024 certificate
/// for his.hospital.test — what Kestrel on OpenSSL 3 will not serve.
/// </summary>
internal sealed partial class LegacyTlsServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private LegacyTlsServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<LegacyTlsServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("mg-legacy-tls-").FullName;
        using (var key = RSA.Create(1024))
        {
            var request = new CertificateRequest("CN=his.hospital.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllTextAsync(Path.Combine(directory, "cert.pem"), cert.ExportCertificatePem());
            await File.WriteAllTextAsync(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        }

        var start = new ProcessStartInfo("openssl")
        {
            ArgumentList =
            {
                "s_server", "-accept", "127.0.0.1:0", "-cert", Path.Combine(directory, "cert.pem"), "-key", Path.Combine(directory, "key.pem"),
                "-min_protocol", "TLSv1", "-max_protocol", "TLSv1.1", "-cipher", "DEFAULT:@SECLEVEL=0", "-www",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("openssl 无法启动（apt-get install openssl）");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (AcceptLine().Match(line) is { Success: true } m)
            {
                return new LegacyTlsServer(process, directory, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        process.Kill();
        throw new InvalidOperationException($"openssl s_server 未能监听：{await process.StandardError.ReadToEndAsync(cts.Token)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [GeneratedRegex(@"^ACCEPT 127\.0\.0\.1:(\d+)$")]
    private static partial Regex AcceptLine();
}
