namespace MedGuard.Detection.Tls.Tests;

/// <summary>The raw ClientHello and the bounded parser of a server's first flight, on crafted and hostile bytes.</summary>
public class TlsHelloProbeTests
{
    [Fact]
    public void ClientHelloOffersTheAskedVersionAndNamesTheHostOnlyWhenItIsAName()
    {
        var hello = TlsHelloProbe.ClientHello("his.hospital.test", TlsHelloProbe.Tls11);
        Assert.Equal(22, hello[0]);                                     // handshake record
        Assert.Equal(hello.Length - 5, (hello[3] << 8) | hello[4]);      // record length
        Assert.Equal(1, hello[5]);                                      // client_hello
        Assert.Equal([0x03, 0x02], hello[9..11]);                       // client_version TLS 1.1
        Assert.True(Contains(hello, "his.hospital.test"u8.ToArray()));  // SNI
        Assert.False(Contains(TlsHelloProbe.ClientHello("127.0.0.1", TlsHelloProbe.Tls12), "127.0.0.1"u8.ToArray()));
    }

    [Fact]
    public async Task ServerHelloAndCertificateSplitOverRecordsAreRead()
    {
        byte[] cert = [0x30, 0x03, 0x02, 0x01, 0x05];
        var flight = Handshake(2, ServerHello(TlsHelloProbe.Tls10, 0xc013)).Concat(Handshake(11, CertificateList(cert))).ToArray();
        var stream = new MemoryStream([.. Record(22, flight[..20]), .. Record(22, flight[20..])]);
        var result = await TlsHelloProbe.ReadFirstFlightAsync(stream, CancellationToken.None);
        Assert.True(result.Succeeded);
        Assert.Equal(TlsHelloProbe.Tls10, result.Version);
        Assert.Equal(0xc013, result.CipherSuite);
        Assert.Equal(cert, Assert.Single(result.Chain));
    }

    [Fact]
    public async Task AnAlertIsARefusal()
    {
        var result = await TlsHelloProbe.ReadFirstFlightAsync(new MemoryStream(Record(21, [2, 70])), CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.Contains("70", result.Reason, StringComparison.Ordinal); // protocol_version
    }

    [Theory]
    [InlineData("truncated record")]
    [InlineData("oversized record")]
    [InlineData("certificate lengths disagree")]
    [InlineData("short server hello")]
    [InlineData("not tls")]
    public async Task HostileAnswersAreRefusedNotThrown(string kind)
    {
        byte[] bytes = kind switch
        {
            "truncated record" => Record(22, Handshake(2, ServerHello(TlsHelloProbe.Tls12, 0x002f)))[..30],
            "oversized record" => [22, 3, 3, 0xff, 0xff, .. new byte[64]],
            "certificate lengths disagree" => Record(22, [.. Handshake(2, ServerHello(TlsHelloProbe.Tls12, 0x002f)), .. Handshake(11, [0, 0, 9, 0, 0, 200, 1, 2, 3, 4, 5, 6])]),
            "short server hello" => Record(22, Handshake(2, [3, 3, 0])),
            _ => "HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray(),
        };
        var result = await TlsHelloProbe.ReadFirstFlightAsync(new MemoryStream(bytes), CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.NotEmpty(result.Reason);
        Assert.Equal(kind == "not tls", result.NotTls);
    }

    private static byte[] ServerHello(ushort version, ushort cipher) =>
        [(byte)(version >> 8), (byte)version, .. new byte[32], 0, (byte)(cipher >> 8), (byte)cipher, 0];

    private static byte[] CertificateList(params byte[][] certs)
    {
        var body = certs.SelectMany(c => (byte[])[(byte)(c.Length >> 16), (byte)(c.Length >> 8), (byte)c.Length, .. c]).ToArray();
        return [(byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];
    }

    private static byte[] Handshake(byte type, byte[] body) =>
        [type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static byte[] Record(byte type, byte[] payload) =>
        [type, 3, 1, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
