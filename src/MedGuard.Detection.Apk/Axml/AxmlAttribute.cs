namespace MedGuard.Detection.Apk.Axml;

/// <summary>Typed value kinds of Android's Res_value (the ones the analyzer reads).</summary>
public enum ResourceValueType : byte
{
    Null = 0x00,
    Reference = 0x01,
    Attribute = 0x02,
    String = 0x03,
    Float = 0x04,
    Dimension = 0x05,
    Fraction = 0x06,
    IntDec = 0x10,
    IntHex = 0x11,
    IntBoolean = 0x12,
}

/// <summary>One attribute of a binary XML element; <see cref="ResourceId"/> is 0 when the resource map lacks it.</summary>
public sealed record AxmlAttribute(string Name, string? NamespaceUri, uint ResourceId, string? RawValue, ResourceValueType Type, uint Data)
{
    /// <summary>The attribute as text: its raw string, or its typed value rendered.</summary>
    public string? Text => RawValue ?? Type switch
    {
        ResourceValueType.IntBoolean => Data != 0 ? "true" : "false",
        ResourceValueType.IntDec => ((int)Data).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ResourceValueType.IntHex => "0x" + Data.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
        ResourceValueType.Reference => "@0x" + Data.ToString("x8", System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    public bool? AsBoolean() => Type switch
    {
        ResourceValueType.IntBoolean or ResourceValueType.IntDec or ResourceValueType.IntHex => Data != 0,
        _ => RawValue?.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null },
    };

    public int? AsInt() => Type switch
    {
        ResourceValueType.IntDec or ResourceValueType.IntHex or ResourceValueType.IntBoolean => (int)Data,
        _ => int.TryParse(RawValue, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
    };
}
