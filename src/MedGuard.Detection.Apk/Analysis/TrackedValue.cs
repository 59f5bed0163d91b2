namespace MedGuard.Detection.Apk.Analysis;

/// <summary>An object created in the method (new-instance); intents remember whether they were made explicit.</summary>
public sealed class TrackedObject(string type)
{
    public string Type { get; } = type;
    public bool Explicit { get; set; }
}

/// <summary>What the register tracker knows a register holds at a call site.</summary>
public sealed record TrackedValue
{
    public long? Number { get; init; }
    public string? Text { get; init; }
    public byte[]? Bytes { get; init; }
    public TrackedObject? Object { get; init; }
    public string? ClassConstant { get; init; }

    /// <summary>The method's own parameter (logical index, 0 = receiver of an instance method): lets a rule see a
    /// wrapper that passes its argument on to a sink.</summary>
    public int? Parameter { get; init; }

    public override string ToString() =>
        Text is not null ? $"\"{Text}\"" : Number is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Bytes is not null ? $"byte[{Bytes.Length}]" : Object is not null ? $"new {Object.Type}" : Parameter is { } p ? $"参数{p}" : ClassConstant ?? "?";
}
