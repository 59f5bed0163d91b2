using MedGuard.Detection.Apk.Axml;

namespace MedGuard.Detection.Apk.Model;

/// <summary>The facts of AndroidManifest.xml the analyzer reports and the rules read.</summary>
public sealed class AndroidManifest
{
    public string Package { get; private init; } = "";
    public string? VersionName { get; private init; }
    public int? VersionCode { get; private init; }
    public int MinSdk { get; private init; } = 1;
    public int TargetSdk { get; private init; } = 1;
    public bool Debuggable { get; private init; }

    /// <summary>android:allowBackup as written; null when unset (which means true).</summary>
    public bool? AllowBackup { get; private init; }

    public bool? UsesCleartextTraffic { get; private init; }

    /// <summary>Resource reference of android:networkSecurityConfig (0 when none).</summary>
    public uint NetworkSecurityConfigRef { get; private init; }

    public string? LabelText { get; private init; }
    public uint LabelRef { get; private init; }
    public IReadOnlyList<string> UsesPermissions { get; private init; } = [];

    /// <summary>Permissions the app defines, with their protection level (normal, dangerous, signature…).</summary>
    public IReadOnlyDictionary<string, string> DeclaredPermissions { get; private init; } = new Dictionary<string, string>();

    public IReadOnlyList<AppComponent> Components { get; private init; } = [];

    /// <summary>The application class (android:name of &lt;application&gt;) as a descriptor; a packer's stub sits here.</summary>
    public string? ApplicationClass { get; private init; }

    /// <summary>&lt;meta-data&gt; of &lt;application&gt; with a literal value (SDK keys live here).</summary>
    public IReadOnlyDictionary<string, string> MetaData { get; private init; } = new Dictionary<string, string>();

    public static AndroidManifest From(AxmlElement root)
    {
        if (root.Name != "manifest")
        {
            throw new ApkFormatException($"AndroidManifest.xml 的根元素是 <{root.Name}>，不是 <manifest>");
        }

        var package = root.GetPlain("package")?.Text ?? "";
        var usesSdk = root.ChildrenNamed("uses-sdk").FirstOrDefault();
        var minSdk = usesSdk?.Get(AndroidAttributes.MinSdkVersion, "minSdkVersion")?.AsInt() ?? 1;
        var targetSdk = usesSdk?.Get(AndroidAttributes.TargetSdkVersion, "targetSdkVersion")?.AsInt() ?? minSdk;
        var application = root.ChildrenNamed("application").FirstOrDefault();

        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.ChildrenNamed("permission"))
        {
            var name = p.Get(AndroidAttributes.Name, "name")?.Text;
            if (name is not null)
            {
                declared[name] = ProtectionLevelName(p.Get(AndroidAttributes.ProtectionLevel, "protectionLevel"));
            }
        }

        var components = new List<AppComponent>();
        if (application is not null)
        {
            foreach (var element in application.Children)
            {
                var kind = element.Name switch
                {
                    "activity" or "activity-alias" => ComponentKind.Activity,
                    "service" => ComponentKind.Service,
                    "provider" => ComponentKind.Provider,
                    "receiver" => ComponentKind.Receiver,
                    _ => (ComponentKind?)null,
                };
                if (kind is not null)
                {
                    components.Add(ReadComponent(element, kind.Value, package, targetSdk, declared));
                }
            }
        }

        var label = application?.Get(AndroidAttributes.Label, "label");
        return new AndroidManifest
        {
            Package = package,
            VersionName = root.Get(AndroidAttributes.VersionName, "versionName")?.Text,
            VersionCode = root.Get(AndroidAttributes.VersionCode, "versionCode")?.AsInt(),
            MinSdk = minSdk,
            TargetSdk = targetSdk,
            Debuggable = application?.Get(AndroidAttributes.Debuggable, "debuggable")?.AsBoolean() ?? false,
            AllowBackup = application?.Get(AndroidAttributes.AllowBackup, "allowBackup")?.AsBoolean(),
            UsesCleartextTraffic = application?.Get(AndroidAttributes.UsesCleartextTraffic, "usesCleartextTraffic")?.AsBoolean(),
            NetworkSecurityConfigRef = application?.Get(AndroidAttributes.NetworkSecurityConfig, "networkSecurityConfig") is { Type: ResourceValueType.Reference } n ? n.Data : 0,
            LabelText = label?.Type == ResourceValueType.Reference ? null : label?.Text,
            LabelRef = label?.Type == ResourceValueType.Reference ? label.Data : 0,
            UsesPermissions = root.ChildrenNamed("uses-permission").Concat(root.ChildrenNamed("uses-permission-sdk-23"))
                .Select(e => e.Get(AndroidAttributes.Name, "name")?.Text).OfType<string>().Distinct().ToList(),
            DeclaredPermissions = declared,
            Components = components,
            MetaData = application is null ? new Dictionary<string, string>() : MetaDataOf(application),
            ApplicationClass = application?.Get(AndroidAttributes.Name, "name")?.Text is { Length: > 0 } appName ? ToDescriptor(appName, package) : null,
        };
    }

    private static Dictionary<string, string> MetaDataOf(AxmlElement application)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in application.ChildrenNamed("meta-data"))
        {
            if (m.Get(AndroidAttributes.Name, "name")?.Text is { Length: > 0 } name
                && m.Get(AndroidAttributes.Value, "value") is { Type: not ResourceValueType.Reference, Text: { Length: > 0 } value })
            {
                values.TryAdd(name, value);
            }
        }

        return values;
    }

    private static string ProtectionLevelName(AxmlAttribute? attribute)
    {
        if (attribute is null)
        {
            return "normal";
        }

        if (attribute.Type is ResourceValueType.IntHex or ResourceValueType.IntDec)
        {
            return (attribute.Data & 0xF) switch { 0 => "normal", 1 => "dangerous", 2 => "signature", 3 => "signatureOrSystem", _ => "normal" };
        }

        return attribute.Text ?? "normal";
    }

    private static AppComponent ReadComponent(AxmlElement element, ComponentKind kind, string package, int targetSdk, IReadOnlyDictionary<string, string> declared)
    {
        var name = element.Name == "activity-alias"
            ? element.Get(AndroidAttributes.TargetActivity, "targetActivity")?.Text ?? element.Get(AndroidAttributes.Name, "name")?.Text
            : element.Get(AndroidAttributes.Name, "name")?.Text;
        var filters = element.ChildrenNamed("intent-filter").ToList();
        var launcher = filters.Any(f =>
            f.ChildrenNamed("action").Any(a => a.Get(AndroidAttributes.Name, "name")?.Text == "android.intent.action.MAIN")
            && f.ChildrenNamed("category").Any(c => c.Get(AndroidAttributes.Name, "name")?.Text is "android.intent.category.LAUNCHER" or "android.intent.category.LEANBACK_LAUNCHER"));
        var explicitExported = element.Get(AndroidAttributes.Exported, "exported")?.AsBoolean();
        var exported = explicitExported ?? kind switch
        {
            // Below API 17 providers were exported by default; from targetSdk 31 a component with filters must say so.
            ComponentKind.Provider => targetSdk < 17,
            _ => filters.Count > 0 && targetSdk < 31,
        };

        string? permission = element.Get(AndroidAttributes.Permission, "permission")?.Text;
        bool protectedBy;
        if (kind == ComponentKind.Provider)
        {
            var read = element.Get(AndroidAttributes.ReadPermission, "readPermission")?.Text ?? permission;
            var write = element.Get(AndroidAttributes.WritePermission, "writePermission")?.Text ?? permission;
            protectedBy = IsStrong(read, declared) && IsStrong(write, declared);
            permission = read == write ? read : $"{read}|{write}";
        }
        else
        {
            protectedBy = IsStrong(permission, declared);
        }

        return new AppComponent
        {
            Kind = kind,
            ClassDescriptor = ToDescriptor(name ?? "", package),
            ExplicitExported = explicitExported,
            HasIntentFilter = filters.Count > 0,
            IsLauncher = launcher,
            Enabled = element.Get(AndroidAttributes.Enabled, "enabled")?.AsBoolean() ?? true,
            Permission = permission,
            Exported = exported,
            ProtectedByPermission = protectedBy,
        };
    }

    /// <summary>A permission protects a component unless it is missing or an app-declared normal/dangerous one
    /// (any app can request those). Platform and other apps' permissions count as protection.</summary>
    private static bool IsStrong(string? permission, IReadOnlyDictionary<string, string> declared)
    {
        if (string.IsNullOrEmpty(permission))
        {
            return false;
        }

        if (declared.TryGetValue(permission, out var level))
        {
            return level.Contains("signature", StringComparison.OrdinalIgnoreCase) || level.Contains("system", StringComparison.OrdinalIgnoreCase);
        }

        return true;
    }

    /// <summary><c>.Foo</c> / <c>Foo</c> / <c>com.x.Foo</c> → <c>Lcom/x/Foo;</c>.</summary>
    public static string ToDescriptor(string className, string package)
    {
        var full = className.StartsWith('.') ? package + className : className.Contains('.') ? className : package + "." + className;
        return "L" + full.Replace('.', '/') + ";";
    }
}
