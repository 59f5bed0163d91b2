using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MedGuard.Detection.Tls;

/// <summary>
/// A TLS ClientHello of our own, for what the local TLS library will not ask: whether a server still accepts TLS 1.0
/// or 1.1, and which certificate it sends, whatever its key size. OpenSSL 3 as configured by Debian (TLS 1.2 minimum,
/// security level 2) refuses to offer the old protocols or to accept an RSA-1024 certificate, so a check built on
/// SslStream alone would see nothing on exactly the servers it is meant to find.
/// <para>
/// Only the server's first flight is read (ServerHello, Certificate, up to ServerHelloDone), then the connection is
/// dropped: no key exchange happens. Reading is bounded (records, messages, total bytes) and times out.
/// </para>
/// </summary>
public static class TlsHelloProbe
{
    public const ushort Tls10 = 0x0301, Tls11 = 0x0302, Tls12 = 0x0303;

    private const int MaxRecord = (1 << 14) + 2048;
    private const int MaxFlight = 256 * 1024;
    private const byte Handshake = 22, Alert = 21;
    private const byte ServerHelloType = 2, CertificateType = 11, ServerHelloDoneType = 14;

    // ECDHE/DHE/RSA suites with AES-GCM, AES-CBC and 3DES: broad enough that a server of any age finds one it accepts.
    private static readonly ushort[] CipherSuites =
    [
        0xc02f, 0xc030, 0xc02b, 0xc02c, 0xc027, 0xc028, 0xc023, 0xc024, 0xc013, 0xc014, 0xc009, 0xc00a,
        0x009e, 0x009f, 0x0067, 0x006b, 0x0033, 0x0039,
        0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035, 0x000a,
        0x00ff, // renegotiation info SCSV
    ];

    /// <summary>
    /// Connects to <paramref name="host"/> (an address the caller has checked against its scope, or a name it resolves
    /// the same way) and sends a hello naming <paramref name="serverName"/> (default: the host, unless an address).
    /// </summary>
    public static async Task<TlsHelloResult> SendAsync(
        string host, int port, ushort version, TimeSpan timeout, CancellationToken cancellationToken, string? serverName = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            var stream = tcp.GetStream();
            await stream.WriteAsync(ClientHello(serverName ?? host, version), cts.Token).ConfigureAwait(false);
            return await ReadFirstFlightAsync(stream, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
            // No answer at all (refused, reset before any record, silent): another version will not get one either.
            return TlsHelloResult.Refused(ex is OperationCanceledException ? "超时" : ex.Message) with { NoAnswer = true };
        }
    }

    /// <summary>The ClientHello record offering <paramref name="version"/> as the highest protocol (no supported_versions).</summary>
    public static byte[] ClientHello(string host, ushort version)
    {
        var body = new List<byte>(256);
        Add16(body, version);
        var random = new byte[32];
        System.Security.Cryptography.RandomNumberGenerator.Fill(random);
        body.AddRange(random);
        body.Add(0); // no session id
        Add16(body, (ushort)(CipherSuites.Length * 2));
        foreach (var suite in CipherSuites)
        {
            Add16(body, suite);
        }

        body.Add(1);
        body.Add(0); // null compression

        var extensions = new List<byte>();
        if (!IPAddress.TryParse(host, out _))
        {
            var name = Encoding.ASCII.GetBytes(host);
            Extension(extensions, 0x0000, [.. U16((ushort)(name.Length + 3)), 0, .. U16((ushort)name.Length), .. name]);
        }

        Extension(extensions, 0x000a, [0, 6, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18]); // x25519, P-256, P-384
        Extension(extensions, 0x000b, [1, 0]); // uncompressed points
        if (version >= Tls12)
        {
            // RSA and ECDSA with SHA-256/384/512, RSA-PSS, and SHA-1 for old servers.
            Extension(extensions, 0x000d, [0, 16, 4, 1, 5, 1, 6, 1, 4, 3, 5, 3, 8, 4, 2, 1, 2, 3]);
        }

        Add16(body, (ushort)extensions.Count);
        body.AddRange(extensions);

        var message = new List<byte>(body.Count + 4) { 1 }; // client_hello
        message.AddRange([(byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count]);
        message.AddRange(body);

        var record = new List<byte>(message.Count + 5) { Handshake };
        Add16(record, Tls10); // record version: what old servers expect in a first record
        Add16(record, (ushort)message.Count);
        record.AddRange(message);
        return [.. record];
    }

    /// <summary>Parses the server's answer (also used on captured bytes in tests).</summary>
    public static async Task<TlsHelloResult> ReadFirstFlightAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        var handshake = new List<byte>();
        var total = 0;
        ushort? serverVersion = null;
        ushort cipher = 0;
        var chain = new List<byte[]>();
        while (true)
        {
            if (!await ReadExactlyAsync(stream, header, cancellationToken).ConfigureAwait(false))
            {
                return serverVersion is { } v ? TlsHelloResult.Accepted(v, cipher, chain) : TlsHelloResult.Refused("连接被关闭");
            }

            var type = header[0];
            if (type is < 20 or > 23)
            {
                // Not a TLS record at all (a banner, an HTTP answer…): no other version will do better.
                return serverVersion is { } v0 ? TlsHelloResult.Accepted(v0, cipher, chain)
                    : TlsHelloResult.Refused($"不是 TLS 记录（首字节 0x{type:x2}）", notTls: true);
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3));
            if (length > MaxRecord || (total += length + 5) > MaxFlight)
            {
                return TlsHelloResult.Refused("记录过大");
            }

            var payload = new byte[length];
            if (!await ReadExactlyAsync(stream, payload, cancellationToken).ConfigureAwait(false))
            {
                return TlsHelloResult.Refused("记录被截断");
            }

            if (type == Alert)
            {
                return serverVersion is { } v ? TlsHelloResult.Accepted(v, cipher, chain)
                    : TlsHelloResult.Refused(payload.Length >= 2 ? $"告警 {payload[1]}" : "告警");
            }

            if (type != Handshake)
            {
                return serverVersion is { } v ? TlsHelloResult.Accepted(v, cipher, chain) : TlsHelloResult.Refused($"意外的记录类型 {type}");
            }

            handshake.AddRange(payload);
            while (handshake.Count >= 4)
            {
                var messageLength = (handshake[1] << 16) | (handshake[2] << 8) | handshake[3];
                if (messageLength > MaxFlight)
                {
                    return TlsHelloResult.Refused("握手消息过大");
                }

                if (handshake.Count < 4 + messageLength)
                {
                    break; // continues in the next record
                }

                var messageType = handshake[0];
                var message = handshake.GetRange(4, messageLength).ToArray();
                handshake.RemoveRange(0, 4 + messageLength);
                switch (messageType)
                {
                    case ServerHelloType when message.Length >= 38:
                        serverVersion = BinaryPrimitives.ReadUInt16BigEndian(message);
                        var sessionIdLength = message[34];
                        if (35 + sessionIdLength + 2 <= message.Length)
                        {
                            cipher = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(35 + sessionIdLength));
                        }

                        break;
                    case ServerHelloType:
                        return TlsHelloResult.Refused("ServerHello 过短");
                    case CertificateType:
                        if (!TryReadChain(message, chain))
                        {
                            return TlsHelloResult.Refused("证书消息格式错误");
                        }

                        return TlsHelloResult.Accepted(serverVersion ?? 0, cipher, chain);
                    case ServerHelloDoneType:
                        return TlsHelloResult.Accepted(serverVersion ?? 0, cipher, chain);
                }
            }
        }
    }

    private static bool TryReadChain(byte[] message, List<byte[]> chain)
    {
        if (message.Length < 3)
        {
            return false;
        }

        var listLength = (message[0] << 16) | (message[1] << 8) | message[2];
        if (listLength != message.Length - 3)
        {
            return false;
        }

        var offset = 3;
        while (offset < message.Length)
        {
            if (offset + 3 > message.Length)
            {
                return false;
            }

            var certLength = (message[offset] << 16) | (message[offset + 1] << 8) | message[offset + 2];
            offset += 3;
            if (certLength == 0 || offset + certLength > message.Length)
            {
                return false;
            }

            chain.Add(message.AsSpan(offset, certLength).ToArray());
            offset += certLength;
        }

        return true;
    }

    private static async Task<bool> ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    private static void Extension(List<byte> extensions, ushort type, byte[] data)
    {
        Add16(extensions, type);
        Add16(extensions, (ushort)data.Length);
        extensions.AddRange(data);
    }

    private static byte[] U16(ushort value) => [(byte)(value >> 8), (byte)value];

    private static void Add16(List<byte> bytes, ushort value) => bytes.AddRange(U16(value));
}

/// <summary>What a server answered to <see cref="TlsHelloProbe"/>: the version it chose and its certificate chain (DER).</summary>
public sealed record TlsHelloResult(bool Succeeded, ushort Version, ushort CipherSuite, IReadOnlyList<byte[]> Chain, string Reason)
{
    /// <summary>The peer answered with bytes that are no TLS record at all (a banner, HTTP…): no other version will do.</summary>
    public bool NotTls { get; init; }

    /// <summary>No connection, or no answer before the timeout.</summary>
    public bool NoAnswer { get; init; }

    /// <summary>Trying another protocol version on this port is pointless.</summary>
    public bool Hopeless => NotTls || NoAnswer;

    public static TlsHelloResult Accepted(ushort version, ushort cipher, IReadOnlyList<byte[]> chain) =>
        new(version != 0, version, cipher, chain, version != 0 ? "" : "没有 ServerHello");

    public static TlsHelloResult Refused(string reason, bool notTls = false) => new(false, 0, 0, [], reason) { NotTls = notTls };

    public static string VersionName(ushort version) => version switch
    {
        0x0300 => "SSL 3.0",
        TlsHelloProbe.Tls10 => "TLS 1.0",
        TlsHelloProbe.Tls11 => "TLS 1.1",
        TlsHelloProbe.Tls12 => "TLS 1.2",
        _ => $"0x{version:x4}",
    };
}
