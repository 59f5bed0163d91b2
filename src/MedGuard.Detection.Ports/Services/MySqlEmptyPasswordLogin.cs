using System.Buffers.Binary;
using System.Text;

namespace MedGuard.Detection.Ports.Services;

/// <summary>
/// One MySQL/MariaDB login as <c>root</c> with an empty password: an OK packet means the database lets anyone in
/// without a password (HIS/LIS databases installed by "one-click" packages often keep it that way).
/// Exactly one login per port and no password other than the empty one is ever tried: hospital database servers
/// are fragile, may lock accounts, and guessing passwords is not a port scan's business.
/// The conversation is the protocol's own (length-prefixed packets, each capped and read against a deadline):
/// the server's greeting (HandshakeV10), our HandshakeResponse41 with mysql_native_password and an empty auth
/// response, then OK (in), ERR (refused) or AuthSwitchRequest — answered once with the empty response, because an
/// account on another plugin (caching_sha2_password, ed25519) with no password still accepts it.
/// </summary>
internal static class MySqlEmptyPasswordLogin
{
    public const string Name = "mysql_empty_root_password";

    // A greeting is ~100 bytes and an ERR a few hundred: anything larger is not the conversation we started.
    private const int MaxPacket = 4096;

    // Greeting, then at most: AuthSwitchRequest, AuthMoreData (fast-auth success), OK.
    private const int MaxReplies = 3;

    private const uint ClientLongPassword = 0x1;     // CLIENT_MYSQL to MariaDB: a plain MySQL client
    private const uint ClientProtocol41 = 0x200;
    private const uint ClientSecureConnection = 0x8000; // length-prefixed auth response
    private const uint ClientPluginAuth = 0x80000;

    private static readonly byte[] User = "root"u8.ToArray();
    private static readonly byte[] Plugin = "mysql_native_password"u8.ToArray();

    /// <summary>True when the server accepted root with the empty password; the version is the greeting's.</summary>
    public static async Task<(bool Passed, string? Version)> RunAsync(Stream stream, TimeSpan readWait, CancellationToken cancellationToken)
    {
        var (sequence, greeting) = await ReadPacketAsync(stream, readWait, cancellationToken).ConfigureAwait(false);
        if (Greeting(greeting) is not { } server)
        {
            return (false, null); // an ERR instead of a greeting (host not allowed, too many connections): no login
        }

        // A pre-4.1 server would need the old scrambled-password handshake: not attempted.
        if ((server.Capabilities & (ClientProtocol41 | ClientSecureConnection)) != (ClientProtocol41 | ClientSecureConnection))
        {
            return (false, server.Version);
        }

        await WritePacketAsync(stream, (byte)(sequence + 1), Response(server.Capabilities), cancellationToken).ConfigureAwait(false);
        var switched = false;
        for (var i = 0; i < MaxReplies; i++)
        {
            (sequence, var reply) = await ReadPacketAsync(stream, readWait, cancellationToken).ConfigureAwait(false);
            switch (reply)
            {
                case [0x00, ..]:
                    await QuitAsync(stream, cancellationToken).ConfigureAwait(false);
                    return (true, server.Version);
                case [0xFE, ..] when !switched:
                    // AuthSwitchRequest (plugin name + its own scramble): an empty password is an empty response
                    // for every plugin; once, so a server cannot keep us talking.
                    switched = true;
                    await WritePacketAsync(stream, (byte)(sequence + 1), [], cancellationToken).ConfigureAwait(false);
                    break;
                case [0x01, 0x03]:
                    break; // caching_sha2_password "fast auth success": the OK follows
                default:
                    return (false, server.Version); // ERR 1045 access denied, a second switch, full auth wanted…
            }
        }

        return (false, server.Version);
    }

    private static (string Version, uint Capabilities)? Greeting(byte[] payload)
    {
        // protocol 10, version NUL, connection id (4), scramble part 1 (8), filler (1), capabilities low (2),
        // [charset (1), status (2), capabilities high (2), …]
        if (payload is not [0x0A, ..])
        {
            return null;
        }

        var end = Array.IndexOf(payload, (byte)0, 1);
        if (end < 0 || end > 128 || end + 1 + 4 + 8 + 1 + 2 > payload.Length)
        {
            return null;
        }

        var version = Encoding.ASCII.GetString(payload, 1, end - 1);
        var at = end + 1 + 4 + 8 + 1;
        uint capabilities = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(at));
        if (at + 2 + 1 + 2 + 2 <= payload.Length)
        {
            capabilities |= (uint)BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(at + 2 + 1 + 2)) << 16;
        }

        return (version.StartsWith("5.5.5-", StringComparison.Ordinal) ? version[6..] : version, capabilities);
    }

    /// <summary>HandshakeResponse41: no TLS, no database, user root, empty auth response, mysql_native_password.</summary>
    private static byte[] Response(uint serverCapabilities)
    {
        var capabilities = ClientLongPassword | ClientProtocol41 | ClientSecureConnection | (serverCapabilities & ClientPluginAuth);
        var payload = new List<byte>(64);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, capabilities);
        payload.AddRange(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, 16 * 1024 * 1024); // max packet size
        payload.AddRange(word);
        payload.Add(0x21);                        // utf8_general_ci
        payload.AddRange(new byte[23]);           // reserved (MariaDB's extended capabilities: none)
        payload.AddRange(User);
        payload.Add(0);
        payload.Add(0);                           // auth response length 0: the empty password
        if ((capabilities & ClientPluginAuth) != 0)
        {
            payload.AddRange(Plugin);
            payload.Add(0);
        }

        return [.. payload];
    }

    /// <summary>COM_QUIT, so the server logs a normal disconnect rather than an aborted connection.</summary>
    private static async Task QuitAsync(Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            await WritePacketAsync(stream, 0, [0x01], cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Already closed by the server: nothing to end.
        }
    }

    private static async Task<(byte Sequence, byte[] Payload)> ReadPacketAsync(Stream stream, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, deadline.Token).ConfigureAwait(false);
        var length = header[0] | header[1] << 8 | header[2] << 16;
        if (length > MaxPacket)
        {
            throw new IOException($"MySQL packet of {length} bytes");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, deadline.Token).ConfigureAwait(false);
        return (header[3], payload);
    }

    private static async Task WritePacketAsync(Stream stream, byte sequence, byte[] payload, CancellationToken cancellationToken)
    {
        var packet = new byte[4 + payload.Length];
        packet[0] = (byte)payload.Length;
        packet[1] = (byte)(payload.Length >> 8);
        packet[2] = (byte)(payload.Length >> 16);
        packet[3] = sequence;
        payload.CopyTo(packet, 4);
        await stream.WriteAsync(packet, cancellationToken).ConfigureAwait(false);
    }
}
