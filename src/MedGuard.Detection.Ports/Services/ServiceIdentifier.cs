using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Tls;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Ports.Services;

/// <summary>
/// Runs the catalog's probes against one open port, first match wins, then the checks for the identified service.
/// Each probe is a fresh connection; replies are capped at 16 KiB and every read has a deadline. It holds the
/// authorized scope itself: a library caller that skips the scanner still cannot probe outside it.
/// </summary>
public sealed class ServiceIdentifier(ProbeCatalog catalog, AuthorizedScope scope)
{
    private const int MaxReply = 16 * 1024;

    /// <summary>Connect timeout of a probe connection (the port answered the sweep already).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of one probe or check conversation, all steps included.</summary>
    public TimeSpan ProbeDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public ProbeCatalog Catalog => catalog;

    public async Task<ServiceInfo?> IdentifyAsync(
        ScanTarget target, int port, Func<CancellationToken, ValueTask>? pace = null, CancellationToken cancellationToken = default)
    {
        if (!scope.Permits(target.Address))
        {
            throw new ScopeException($"目标 {target} 不在授权范围内，拒绝识别服务");
        }

        var host = target.HostName ?? (target.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{target.Address}]" : target.Address.ToString());
        string? firstBanner = null;
        ServiceInfo? found = null;
        foreach (var probe in catalog.For(port))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pace is not null)
            {
                await pace(cancellationToken).ConfigureAwait(false);
            }

            ProbeReply reply;
            try
            {
                // One deadline over the whole exchange (connect, TLS, write, read): a stuck peer cannot hold us.
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(ProbeDeadline);
                reply = await SendAsync(target, port, host, probe, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException
                                           && !cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            if (reply.Bytes.Length > 0)
            {
                firstBanner ??= ProbeCatalog.Printable(reply.Bytes);
            }

            found = Match(probe, reply);
            if (found is not null)
            {
                break;
            }
        }

        if (found is null)
        {
            return firstBanner is null ? null : new ServiceInfo { Name = "unknown", Banner = firstBanner };
        }

        foreach (var check in catalog.Checks.Where(c => c.Service == found.Name))
        {
            if (pace is not null)
            {
                await pace(cancellationToken).ConfigureAwait(false);
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ProbeDeadline);
            var (passed, version) = await RunCheckAsync(target, port, check, deadline.Token).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (passed)
            {
                found = found with
                {
                    Flags = found.Flags.Append(check.Flag).Distinct().ToArray(),
                    Version = found.Version ?? version,
                    Info = check.Info is null || found.Info is null ? found.Info ?? check.Info : $"{found.Info}; {check.Info}",
                };
            }
        }

        return found;
    }

    private static ServiceInfo? Match(ServiceProbe probe, ProbeReply reply)
    {
        if (reply.Bytes.Length == 0 && reply.Tls is null)
        {
            return null;
        }

        var text = Encoding.Latin1.GetString(reply.Bytes);
        foreach (var rule in probe.Matches)
        {
            Match m;
            try
            {
                m = rule.Pattern.Match(text);
            }
            catch (RegexMatchTimeoutException)
            {
                continue;
            }

            if (!m.Success)
            {
                continue;
            }

            if (rule.Extract == "tls" && reply.Tls is null)
            {
                continue;
            }

            var info = new ServiceInfo
            {
                Name = rule.Service,
                Product = ServiceMatch.Fill(rule.Product, m),
                Version = ServiceMatch.Fill(rule.Version, m),
                Info = ServiceMatch.Fill(rule.Info, m),
                Banner = reply.Bytes.Length > 0 ? ProbeCatalog.Printable(reply.Bytes) : null,
                Probe = probe.Id,
                Flags = rule.Flags.ToArray(),
                Tls = reply.Tls,
            };
            return rule.Extract is null ? info : ReplyDecoders.Apply(rule.Extract, info, reply.Bytes);
        }

        return null;
    }

    private async Task<ProbeReply> SendAsync(ScanTarget target, int port, string host, ServiceProbe probe, CancellationToken cancellationToken)
    {
        using var socket = await ConnectAsync(target.Address, port, cancellationToken).ConfigureAwait(false);
        await using var network = new NetworkStream(socket, ownsSocket: false);
        Stream stream = network;
        SslStream? ssl = null;
        TlsSummary? tls = null;
        try
        {
            if (probe.Tls)
            {
                ssl = new SslStream(network, leaveInnerStreamOpen: true);
                try
                {
                    (tls, stream) = (await HandshakeAsync(ssl, target, cancellationToken).ConfigureAwait(false), ssl);
                }
                catch (AuthenticationException)
                {
                    // The local TLS library refused a server that may well speak TLS — TLS 1.0/1.1 only, a weak key:
                    // the old servers this scan is for. Its facts come from our own hello; nothing can be sent inside.
                    return new ProbeReply([], await RawTlsAsync(target, port, cancellationToken).ConfigureAwait(false) ?? throw new AuthenticationException("no TLS server hello"));
                }
            }

            var payload = probe.PayloadFor(host);
            if (payload.Length > 0)
            {
                await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            }

            var bytes = await ReadAsync(stream, probe.Wait, probe.ReadUntilClose, probe.Matches, cancellationToken).ConfigureAwait(false);
            if (probe.Goodbye is { } goodbye && bytes.Length > 0)
            {
                try
                {
                    await stream.WriteAsync(goodbye, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The peer closed first: nothing to say goodbye to.
                }
            }

            return new ProbeReply(bytes, tls);
        }
        finally
        {
            if (ssl is not null)
            {
                await ssl.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<TlsSummary> HandshakeAsync(SslStream ssl, ScanTarget target, CancellationToken cancellationToken)
    {
        var chainTrusted = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(4));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = target.HostName ?? target.Address.ToString(),
            // We inspect certificates, we do not trust them: accept any and record what a browser would say.
            RemoteCertificateValidationCallback = (_, _, _, errors) =>
            {
                chainTrusted = errors == SslPolicyErrors.None;
                return true;
            },
        }, timeout.Token).ConfigureAwait(false);
        using var certificate = ssl.RemoteCertificate is null ? null : new X509Certificate2(ssl.RemoteCertificate);
        if (certificate is null)
        {
            throw new AuthenticationException("no certificate");
        }

        return new TlsSummary(
            ProtocolName(ssl.SslProtocol),
            certificate.Subject,
            certificate.Issuer,
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            SelfSigned: certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData),
            ChainTrusted: chainTrusted,
            CipherSuite: ssl.NegotiatedCipherSuite.ToString());
    }

    /// <summary>The protocol and certificate a server sends in answer to our own ClientHello, newest protocol first.</summary>
    private static async Task<TlsSummary?> RawTlsAsync(ScanTarget target, int port, CancellationToken cancellationToken)
    {
        foreach (var version in new[] { TlsHelloProbe.Tls12, TlsHelloProbe.Tls11, TlsHelloProbe.Tls10 })
        {
            var hello = await TlsHelloProbe.SendAsync(target.Address.ToString(), port, version, TimeSpan.FromSeconds(4), cancellationToken, target.HostName)
                .ConfigureAwait(false);
            if (hello.Hopeless)
            {
                return null; // a plain-text service, or no answer: another version will not do better
            }

            if (!hello.Succeeded || hello.Chain.Count == 0)
            {
                continue;
            }

            try
            {
                using var certificate = X509CertificateLoader.LoadCertificate(hello.Chain[0]);
                using var chain = new X509Chain();
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                foreach (var der in hello.Chain.Skip(1))
                {
                    chain.ChainPolicy.ExtraStore.Add(X509CertificateLoader.LoadCertificate(der));
                }

                var name = target.HostName ?? target.Address.ToString();
                return new TlsSummary(
                    "TLSv1." + (hello.Version - TlsHelloProbe.Tls10),
                    certificate.Subject,
                    certificate.Issuer,
                    new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
                    new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                    SelfSigned: certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData),
                    ChainTrusted: chain.Build(certificate) && certificate.MatchesHostname(name),
                    CipherSuite: $"0x{hello.CipherSuite:x4}");
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return null; // not a certificate we can read
            }
        }

        return null;
    }

#pragma warning disable SYSLIB0039 // Old protocol names are only printed, never enabled.
    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1.0",
        _ => protocol.ToString(),
    };
#pragma warning restore SYSLIB0039

    private async Task<(bool Passed, string? Version)> RunCheckAsync(ScanTarget target, int port, ServiceCheck check, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await ConnectAsync(target.Address, port, cancellationToken).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            if (check.Conversation == MySqlEmptyPasswordLogin.Name)
            {
                return await MySqlEmptyPasswordLogin.RunAsync(stream, TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            }

            string? version = null;
            foreach (var step in check.Steps)
            {
                if (step.Send is { Length: > 0 } send)
                {
                    await stream.WriteAsync(send, cancellationToken).ConfigureAwait(false);
                }

                if (step.Expect is null)
                {
                    continue;
                }

                var bytes = await ReadAsync(stream, TimeSpan.FromSeconds(2), false, [step.Expect], cancellationToken).ConfigureAwait(false);
                var m = step.Expect.Match(Encoding.Latin1.GetString(bytes));
                if (!m.Success)
                {
                    return (false, null);
                }

                version ??= ServiceMatch.Fill(step.Version, m);
            }

            return (true, version);
        }
        catch (Exception ex) when (ex is SocketException or IOException or RegexMatchTimeoutException or OperationCanceledException)
        {
            // Includes the check's own deadline; the caller rethrows if the whole scan was cancelled.
            return (false, null);
        }
    }

    private async Task<Socket> ConnectAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads until a pattern matches (or, for <paramref name="untilClose"/>, until the peer closes), the deadline
    /// passes, or 16 KiB arrived — whichever comes first. A deadline is not an error: we judge what we have.
    /// </summary>
    private static async Task<byte[]> ReadAsync(
        Stream stream, TimeSpan wait, bool untilClose, IEnumerable<ServiceMatch> matches, CancellationToken cancellationToken)
        => await ReadAsync(stream, wait, untilClose, matches.Select(m => m.Pattern).ToArray(), cancellationToken).ConfigureAwait(false);

    private static async Task<byte[]> ReadAsync(
        Stream stream, TimeSpan wait, bool untilClose, Regex[] patterns, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxReply];
        var length = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        try
        {
            while (length < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(length), deadline.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                length += n;
                if (!untilClose)
                {
                    var text = Encoding.Latin1.GetString(buffer, 0, length);
                    if (patterns.Any(p => SafeMatch(p, text)))
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Deadline: judge what arrived.
        }
        catch (IOException)
        {
            // Reset by the peer after it said something: judge what arrived.
        }

        return buffer[..length];
    }

    private static bool SafeMatch(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private sealed record ProbeReply(byte[] Bytes, TlsSummary? Tls);
}
