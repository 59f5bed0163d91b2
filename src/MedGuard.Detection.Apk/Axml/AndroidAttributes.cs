namespace MedGuard.Detection.Apk.Axml;

/// <summary>Framework attribute resource IDs (android.R.attr) the analyzer reads.</summary>
public static class AndroidAttributes
{
    public const string AndroidNamespace = "http://schemas.android.com/apk/res/android";

    public const uint Label = 0x01010001;
    public const uint Name = 0x01010003;
    public const uint Permission = 0x01010006;
    public const uint ReadPermission = 0x01010007;
    public const uint WritePermission = 0x01010008;
    public const uint ProtectionLevel = 0x01010009;
    public const uint Enabled = 0x0101000e;
    public const uint Debuggable = 0x0101000f;
    public const uint Value = 0x01010024;
    public const uint Exported = 0x01010010;
    public const uint Authorities = 0x01010018;
    public const uint GrantUriPermissions = 0x0101001b;
    public const uint MinSdkVersion = 0x0101020c;
    public const uint VersionCode = 0x0101021b;
    public const uint VersionName = 0x0101021c;
    public const uint TargetActivity = 0x01010202;
    public const uint TargetSdkVersion = 0x01010270;
    public const uint AllowBackup = 0x01010280;
    public const uint UsesCleartextTraffic = 0x010104ec;
    public const uint NetworkSecurityConfig = 0x01010527;

    /// <summary>Name → ID, to build a document from plain XML (rule examples) the way aapt would.</summary>
    public static IReadOnlyDictionary<string, uint> ByName { get; } = new Dictionary<string, uint>
    {
        ["label"] = Label,
        ["name"] = Name,
        ["permission"] = Permission,
        ["readPermission"] = ReadPermission,
        ["writePermission"] = WritePermission,
        ["protectionLevel"] = ProtectionLevel,
        ["enabled"] = Enabled,
        ["debuggable"] = Debuggable,
        ["value"] = Value,
        ["exported"] = Exported,
        ["authorities"] = Authorities,
        ["grantUriPermissions"] = GrantUriPermissions,
        ["minSdkVersion"] = MinSdkVersion,
        ["versionCode"] = VersionCode,
        ["versionName"] = VersionName,
        ["targetActivity"] = TargetActivity,
        ["targetSdkVersion"] = TargetSdkVersion,
        ["allowBackup"] = AllowBackup,
        ["usesCleartextTraffic"] = UsesCleartextTraffic,
        ["networkSecurityConfig"] = NetworkSecurityConfig,
    };
}
