using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Rules;

/// <summary>
/// One rule as written in <c>Rules/Data/*.yaml</c>. The detector names the engine part that evaluates it:
/// <c>manifest_flag</c>, <c>network_config</c>, <c>exported_component</c> or <c>code</c>.
/// </summary>
public sealed class RuleDefinition
{
    public string Id { get; set; } = "";

    /// <summary>The seed's Chinese name of the risk kind (a row of the seed's table).</summary>
    public string Title { get; set; } = "";

    /// <summary>Row of the seed's table (1–15); rules sharing a row share its title.</summary>
    public int Order { get; set; }

    public string Severity { get; set; } = "";
    public SeverityByMinSdk? SeverityByMinSdk { get; set; }
    public string Cwe { get; set; } = "";
    /// <summary>GB/T 22239-2019 items as GB/T 28448 unit codes (L3-CES1-20); MedGuard.Standards checks they exist.</summary>
    public List<string> StandardRefs { get; set; } = [];
    public string Description { get; set; } = "";
    public string Remediation { get; set; } = "";
    public string Detector { get; set; } = "";

    // manifest_flag
    public string? Attribute { get; set; }
    public string? When { get; set; }

    /// <summary>The evidence holds a secret (an AccessKey): only its masked form is ever written (JSON, SARIF, console).</summary>
    public bool Mask { get; set; }

    // manifest_metadata: <meta-data android:name> under <application> whose value is a hard-coded key
    public List<string> MetaData { get; set; } = [];

    // network_config: trustsUserCertificates
    // exported_component
    public string? Component { get; set; }
    public bool ExcludeLauncher { get; set; }

    // code
    public List<CodePattern> Match { get; set; } = [];
    public List<CodePattern> UnlessMethodCalls { get; set; } = [];
    public List<string> UnlessMethodStrings { get; set; } = [];
    public List<CodePattern> RequireMethodCalls { get; set; } = [];

    /// <summary>The rule is silent when the app makes every one of these calls somewhere (e.g. removes all three
    /// hidden interfaces).</summary>
    public List<CodePattern> UnlessAppCallsAll { get; set; } = [];
    public int? MinSdkBelow { get; set; }

    public RuleExamples Examples { get; set; } = new();

    internal Severity ParsedSeverity { get; set; }

    /// <summary>Severity for an app of this minSdk (addJavascriptInterface is worse below API 17).</summary>
    public Severity SeverityFor(int minSdk) =>
        SeverityByMinSdk is { } s && minSdk < s.Below ? SeverityNames.Parse(s.Severity) : ParsedSeverity;
}

public sealed class SeverityByMinSdk
{
    public int Below { get; set; }
    public string Severity { get; set; } = "";
}

/// <summary>
/// What to look for in code. Exactly one of <see cref="Call"/>, <see cref="Field"/>, <see cref="NewInstance"/>,
/// <see cref="Override"/>, <see cref="String"/>. Call targets are smali references; <c>*</c> in the name is a wildcard and a proto of
/// <c>(*)</c> takes any. The target's class matches through the hierarchy (a call on an Activity subclass matches
/// <c>Landroid/content/Context;</c>).
/// </summary>
public sealed class CodePattern
{
    public string? Call { get; set; }
    public string? Field { get; set; }
    public string? NewInstance { get; set; }
    public OverridePattern? Override { get; set; }

    /// <summary>A string constant the method loads (const-string), as a regular expression; <see cref="StringPrefix"/>
    /// is its literal start, looked up in each DEX's sorted string table.</summary>
    public string? String { get; set; }

    public string? StringPrefix { get; set; }

    /// <summary>Conditions on the call's arguments; argument 0 is the receiver of an instance call.</summary>
    public List<ArgCondition> Where { get; set; } = [];
    public bool NotInTry { get; set; }

    /// <summary>The calling method's name and proto, e.g. <c>onReceivedSslError(…)V</c>.</summary>
    public string? InMethod { get; set; }

    /// <summary>The calling method's class must extend/implement this.</summary>
    public string? InClass { get; set; }

    public bool InExportedComponent { get; set; }

    /// <summary>
    /// The call registers a component at run time (registerReceiver): the class of the object passed as this argument
    /// counts as exposed — for <see cref="InExportedComponent"/> — like a manifest component that is exported.
    /// </summary>
    public int? Exposes { get; set; }
}

public sealed class OverridePattern
{
    public string Implements { get; set; } = "";
    public string Method { get; set; } = "";

    /// <summary><c>empty</c> (no throw, no real call) or <c>returnsTrue</c>.</summary>
    public string Body { get; set; } = "";
}

public sealed class ArgCondition
{
    public int Arg { get; set; }

    /// <summary>Constant equality: <c>true</c>, <c>false</c>, <c>null</c>, an integer, or a string.</summary>
    public string? EqualTo { get; set; }

    /// <summary>Regular expression a constant string argument must match.</summary>
    public string? Matches { get; set; }

    /// <summary><c>constBytes</c> (a hard-coded byte array) or <c>implicitIntent</c> (not made explicit).</summary>
    public string? Is { get; set; }

    /// <summary>The integer flags argument lacks this bit (or is unknown).</summary>
    public long? LacksFlag { get; set; }
}

public sealed class RuleExamples
{
    public List<RuleExample> Positive { get; set; } = [];
    public List<RuleExample> Negative { get; set; } = [];
}

/// <summary>An example app: a plain-XML manifest and/or smali classes. Positive examples say how many locations.</summary>
public sealed class RuleExample
{
    public string? Manifest { get; set; }

    /// <summary>res/xml/network_security_config.xml as plain XML.</summary>
    public string? NetworkSecurityConfig { get; set; }

    public string? Smali { get; set; }
    public int Count { get; set; } = 1;
    public List<string> Locations { get; set; } = [];
}
