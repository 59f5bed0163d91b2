using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Digests;

namespace MedGuard.Security.Audit;

/// <summary>
/// The SM3 hash chain over audit entries: hash(n) = SM3(hash(n-1) ‖ canonical(entry n)). Editing any field of an
/// entry, deleting it, or reordering entries breaks the link at that entry, which <see cref="AuditChainVerifier"/>
/// reports. SM3 (GB/T 32905) rather than SHA-256 because 等保 and 密评 ask for 国密 algorithms.
/// </summary>
public static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>Truncates to whole milliseconds in UTC, the precision every supported database round-trips.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    /// <summary>Builds the next entry of a chain whose last hash is <paramref name="previousHash"/>.</summary>
    public static AuditRecord Append(long sequence, string previousHash, DateTimeOffset at, string actor, string tenant,
        string action, string target, string detail, string sourceAddress)
    {
        var draft = new AuditRecord
        {
            Sequence = sequence,
            At = Normalize(at),
            Actor = actor,
            Tenant = tenant,
            Action = action,
            Target = target,
            Detail = detail,
            SourceAddress = sourceAddress,
            PreviousHash = previousHash,
            Hash = "",
        };
        return draft with { Hash = ComputeHash(draft) };
    }

    /// <summary>SM3 over the previous hash and the canonical JSON of every field except the hash itself.</summary>
    public static string ComputeHash(AuditRecord record)
    {
        var digest = new SM3Digest();
        var previous = Encoding.ASCII.GetBytes(record.PreviousHash);
        digest.BlockUpdate(previous, 0, previous.Length);
        var canonical = Canonical(record);
        digest.BlockUpdate(canonical, 0, canonical.Length);
        var output = new byte[digest.GetDigestSize()];
        digest.DoFinal(output, 0);
        return Convert.ToHexStringLower(output);
    }

    /// <summary>
    /// The canonical form: UTF-8 JSON with a fixed property order and no whitespace, so the same entry always hashes
    /// the same whatever database or serializer stored it.
    /// </summary>
    public static byte[] Canonical(AuditRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", record.Sequence);
            writer.WriteString("at", Normalize(record.At).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("actor", record.Actor);
            writer.WriteString("tenant", record.Tenant);
            writer.WriteString("action", record.Action);
            writer.WriteString("target", record.Target);
            writer.WriteString("detail", record.Detail);
            writer.WriteString("from", record.SourceAddress);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
