using System.Net;
using System.Net.Sockets;
using System.Text;
using MedGuard.Detection.Ports.Services;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>
/// The empty-password root login against scripted servers on a loopback port this test opens: the branches the real
/// MariaDB instances of the test network do not take (AuthSwitchRequest, a second switch, an oversized packet, an ERR
/// in place of the greeting). The OK and ERR 1045 cases run against real MariaDB in ServiceIdentificationTests.
/// </summary>
public class MySqlLoginTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static byte[] Packet(byte sequence, byte[] payload) =>
        [(byte)payload.Length, (byte)(payload.Length >> 8), (byte)(payload.Length >> 16), sequence, .. payload];

    /// <summary>HandshakeV10 of a MariaDB 10.11 (capabilities: protocol 4.1, secure connection, plugin auth).</summary>
    private static byte[] Greeting()
    {
        var body = new List<byte> { 0x0A };
        body.AddRange("5.5.5-10.11.6-MariaDB-0+deb12u1\0"u8.ToArray());
        body.AddRange(new byte[] { 7, 0, 0, 0 });             // connection id
        body.AddRange("abcdefgh"u8.ToArray());                // scramble part 1
        body.Add(0);
        body.AddRange(new byte[] { 0x00, 0xA2 });             // capabilities low: PROTOCOL_41 | SECURE_CONNECTION | …
        body.Add(0x21);
        body.AddRange(new byte[] { 0x02, 0x00 });             // status
        body.AddRange(new byte[] { 0x08, 0x00 });             // capabilities high: PLUGIN_AUTH
        body.Add(21);
        body.AddRange(new byte[10]);
        body.AddRange("ijklmnopqrst\0"u8.ToArray());          // scramble part 2
        body.AddRange("mysql_native_password\0"u8.ToArray());
        return Packet(0, [.. body]);
    }

    private static readonly byte[] Ok = Packet(2, [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]);

    private static readonly byte[] AuthSwitch = Packet(2, [0xFE, .. "caching_sha2_password\0"u8.ToArray(), .. new byte[20], 0]);

    private static byte[] Err(byte sequence) =>
        Packet(sequence, [0xFF, 0x15, 0x04, .. "#28000Access denied for user 'root'@'10.200.1.1' (using password: NO)"u8.ToArray()]);

    /// <summary>Runs the login against <paramref name="server"/> (given the accepted connection) on 127.0.0.1.</summary>
    private static async Task<(bool Passed, string? Version)> Login(Func<NetworkStream, Task> server)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        var serving = Task.Run(async () =>
        {
            await using var stream = accepted.GetStream();
            await server(stream);
        });
        try
        {
            using var timeout = new CancellationTokenSource(Wait);
            return await MySqlEmptyPasswordLogin.RunAsync(client.GetStream(), TimeSpan.FromSeconds(2), timeout.Token);
        }
        finally
        {
            client.Close();
            await serving.WaitAsync(Wait);
        }
    }

    private static async Task<(byte Sequence, byte[] Payload)> Read(NetworkStream stream)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header);
        var payload = new byte[header[0] | header[1] << 8 | header[2] << 16];
        await stream.ReadExactlyAsync(payload);
        return (header[3], payload);
    }

    [Fact]
    public async Task OkAfterTheEmptyRootLoginPassesAndSaysGoodbye()
    {
        byte[]? response = null;
        byte[]? quit = null;
        var (passed, version) = await Login(async s =>
        {
            await s.WriteAsync(Greeting());
            (var sequence, response) = await Read(s);
            Assert.Equal(1, sequence);
            await s.WriteAsync(Ok);
            (_, quit) = await Read(s);
        });
        Assert.True(passed);
        Assert.Equal("10.11.6-MariaDB-0+deb12u1", version);
        // capabilities (4), max packet (4), charset, 23 reserved, then "root\0", a zero-length auth response, the plugin
        var rest = response![32..];
        Assert.Equal("root\0\0mysql_native_password\0", Encoding.ASCII.GetString(rest));
        Assert.Equal([0x01], quit); // COM_QUIT
    }

    [Fact]
    public async Task AnAuthSwitchIsAnsweredOnceWithAnEmptyResponse()
    {
        byte[]? answer = null;
        byte answerSequence = 0;
        var (passed, _) = await Login(async s =>
        {
            await s.WriteAsync(Greeting());
            await Read(s);
            await s.WriteAsync(AuthSwitch);
            (answerSequence, answer) = await Read(s);
            await s.WriteAsync(Packet(4, [0x01, 0x03])); // caching_sha2_password fast-auth success, then OK
            await s.WriteAsync(Packet(5, [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]));
            await Read(s);
        });
        Assert.True(passed);
        Assert.Equal(3, answerSequence);
        Assert.Empty(answer!);
    }

    [Fact]
    public async Task ASecondSwitchOrAnErrIsNotALogin()
    {
        var replies = 0;
        var (passed, _) = await Login(async s =>
        {
            await s.WriteAsync(Greeting());
            await Read(s);
            await s.WriteAsync(AuthSwitch);
            await Read(s);
            replies++;
            await s.WriteAsync(Packet(4, [0xFE, .. "mysql_clear_password\0"u8.ToArray()]));
            // The client must hang up rather than answer again.
            Assert.Equal(0, await s.ReadAsync(new byte[16]));
        });
        Assert.False(passed);
        Assert.Equal(1, replies);

        (passed, _) = await Login(async s =>
        {
            await s.WriteAsync(Greeting());
            await Read(s);
            await s.WriteAsync(Err(2));
        });
        Assert.False(passed);
    }

    [Fact]
    public async Task AnErrInPlaceOfTheGreetingSendsNothing()
    {
        var sent = -1;
        var (passed, version) = await Login(async s =>
        {
            await s.WriteAsync(Packet(0, [0xFF, 0x6A, 0x04, .. "Host '10.200.1.1' is not allowed to connect to this MariaDB server"u8.ToArray()]));
            sent = await s.ReadAsync(new byte[16]);
        });
        Assert.False(passed);
        Assert.Null(version);
        Assert.Equal(0, sent);
    }

    [Fact]
    public async Task AnOversizedPacketIsRefused()
    {
        await Assert.ThrowsAsync<IOException>(() => Login(async s => await s.WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0x00, 0x0A })));
    }
}
