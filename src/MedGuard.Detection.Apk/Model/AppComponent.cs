namespace MedGuard.Detection.Apk.Model;

/// <summary>
/// A component declared in the manifest with its effective exported state (实际导出状态), computed once:
/// the explicit attribute wins; otherwise intent filters export it below targetSdk 31, and a provider is exported
/// by default when targetSdk is 16 or lower.
/// </summary>
public sealed record AppComponent
{
    public required ComponentKind Kind { get; init; }

    /// <summary>Class as a type descriptor (<c>Lcom/x/Foo;</c>); for an activity-alias, its target activity.</summary>
    public required string ClassDescriptor { get; init; }

    public bool? ExplicitExported { get; init; }
    public bool HasIntentFilter { get; init; }
    public bool IsLauncher { get; init; }
    public bool Enabled { get; init; } = true;

    /// <summary>Permission guarding it (for a provider, both read and write must be guarded).</summary>
    public string? Permission { get; init; }

    public bool Exported { get; init; }

    /// <summary>True when the permission guarding it is signature-level (or a platform permission): not reachable by
    /// an ordinary app.</summary>
    public bool ProtectedByPermission { get; init; }

    /// <summary>Exported, enabled and not protected: what the exposure rules count.</summary>
    public bool IsExposed => Exported && Enabled && !ProtectedByPermission;
}
