using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace MedGuard.Security.Audit;

/// <summary>
/// The keyed SM3 chain over audit entries: hash(n) = HMAC-SM3(key, hash(n-1) ‖ canonical(entry n)). Editing any
/// field of an entry, deleting it, or reordering entries breaks the link at that entry, which
/// <see cref="AuditChainVerifier"/> reports. The key lives in a file outside the database, so someone who can write
/// the database but not read that file cannot recompute the hashes after an edit (a plain SM3 chain they could).
/// SM3 (GB/T 32905) rather than SHA-256 because 等保 and 密评 ask for 国密 algorithms.
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of the first entry: empty, as the stored entry keeps it.</summary>
    public const string GenesisHash = "";

    /// <summary>Truncates to whole milliseconds in UTC, the precision every supported database round-trips.</summary>
    public static DateTime Normalize(DateTime at)
    {
        var utc = at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : DateTime.SpecifyKind(at, DateTimeKind.Utc);
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    /// <summary>Seals <paramref name="draft"/> as the entry after one whose hash is <paramref name="previousHash"/>.</summary>
    public static AuditRecord Seal(AuditRecord draft, long sequence, string previousHash, byte[] key)
    {
        var record = draft with { Sequence = sequence, At = Normalize(draft.At), PreviousHash = previousHash, Hash = "" };
        return record with { Hash = ComputeHash(record, key) };
    }

    /// <summary>HMAC-SM3 (GB/T 15852.2 construction over SM3) of the previous hash and the canonical JSON of every
    /// field except the hash itself.</summary>
    public static string ComputeHash(AuditRecord record, byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("审计链密钥至少 128 位", nameof(key));
        }

        var mac = new HMac(new SM3Digest());
        mac.Init(new KeyParameter(key));
        var previous = Encoding.ASCII.GetBytes(record.PreviousHash);
        mac.BlockUpdate(previous, 0, previous.Length);
        var canonical = Canonical(record);
        mac.BlockUpdate(canonical, 0, canonical.Length);
        var output = new byte[mac.GetMacSize()];
        mac.DoFinal(output, 0);
        return Convert.ToHexStringLower(output);
    }

    /// <summary>The unkeyed hash of the chain as it was before it was keyed: SM3(previous hash ‖ canonical entry).
    /// Entries written then stay verifiable this way (<see cref="AuditLegacyHead"/> pins where they end).</summary>
    public static string ComputeLegacyHash(AuditRecord record)
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
            writer.WriteString("userId", record.UserId);
            writer.WriteString("user", record.UserName);
            writer.WriteString("from", record.SourceAddress);
            writer.WriteString("action", record.Action);
            writer.WriteString("entityType", record.EntityType);
            writer.WriteString("entityId", record.EntityId);
            writer.WriteString("detail", record.Detail);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
