namespace MedGuard.Domain.Scope;

/// <summary>How large a scope or a target list may be before the user must say so explicitly.</summary>
public sealed record ScopeLimits
{
    /// <summary>Default cap on the number of addresses a scope or a target list may hold without explicit consent.</summary>
    public const long DefaultMaxAddresses = 4096;

    public long MaxAddresses { get; init; } = DefaultMaxAddresses;

    /// <summary>Set by <c>--allow-large-scope</c>.</summary>
    public bool AllowLarge { get; init; }
}
