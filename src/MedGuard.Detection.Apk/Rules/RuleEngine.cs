using System.Text.RegularExpressions;
using MedGuard.Detection.Apk.Analysis;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Rules;

/// <summary>
/// Evaluates the catalog's rules on an app model. Code rules first gather every call / field / type target of every
/// rule into one filter; only methods that reference one of them are decoded and tracked (fastref), once, and all
/// rules are checked against those facts.
/// </summary>
public sealed class RuleEngine(RuleCatalog catalog)
{
    public RuleCatalog Catalog { get; } = catalog;

    public IReadOnlyList<RuleHit> Evaluate(AppModel app)
    {
        var hits = new List<RuleHit>();
        foreach (var rule in Catalog.Rules)
        {
            switch (rule.Detector)
            {
                case "manifest_flag":
                    EvaluateManifestFlag(rule, app.Manifest, hits);
                    break;
                case "exported_component":
                    EvaluateExported(rule, app.Manifest, hits);
                    break;
                case "manifest_metadata":
                    EvaluateMetaData(rule, app.Manifest, hits);
                    break;
                case "network_config" when app.NetworkSecurityConfig is { TrustsUserCertificates: true } nsc:
                    hits.Add(new RuleHit(rule, nsc.Path, "<trust-anchors> 含 <certificates src=\"user\"/>（非 debug-overrides）"));
                    break;
            }
        }

        var codeRules = Catalog.Rules.Where(r => r.Detector == "code").ToList();
        if (codeRules.Count > 0)
        {
            EvaluateCode(codeRules, app, hits);
        }

        return hits;
    }

    private static void EvaluateManifestFlag(RuleDefinition rule, AndroidManifest manifest, List<RuleHit> hits)
    {
        var value = rule.Attribute switch
        {
            "allowBackup" => manifest.AllowBackup,
            "debuggable" => manifest.Debuggable,
            "usesCleartextTraffic" => manifest.UsesCleartextTraffic,
            _ => null,
        };
        var fires = rule.When == "trueOrUnset" ? value != false : value == true;
        if (fires)
        {
            hits.Add(new RuleHit(rule, "AndroidManifest.xml", $"android:{rule.Attribute}={(value is null ? "未设置（默认 true）" : value.Value ? "true" : "false")}"));
        }
    }

    // Keys written into the manifest's <meta-data> (高德/百度地图 key, 极光/友盟 AppKey): one hit, every key masked.
    private static void EvaluateMetaData(RuleDefinition rule, AndroidManifest manifest, List<RuleHit> hits)
    {
        var keys = rule.MetaData.Where(n => manifest.MetaData.TryGetValue(n, out var v) && v.Length > 0)
            .Select(n => $"<meta-data android:name=\"{n}\" android:value=\"{(rule.Mask ? SecretMask.Mask(manifest.MetaData[n]) : manifest.MetaData[n])}\"/>")
            .ToList();
        if (keys.Count > 0)
        {
            hits.Add(new RuleHit(rule, "AndroidManifest.xml", string.Join("；", keys)));
        }
    }

    private static void EvaluateExported(RuleDefinition rule, AndroidManifest manifest, List<RuleHit> hits)
    {
        var kind = Enum.Parse<ComponentKind>(rule.Component!, ignoreCase: true);
        foreach (var c in manifest.Components.Where(c => c.Kind == kind && c.IsExposed && !(rule.ExcludeLauncher && c.IsLauncher)).DistinctBy(c => c.ClassDescriptor))
        {
            var why = c.ExplicitExported == true ? "android:exported=true" : c.HasIntentFilter ? "含 intent-filter 默认导出" : "默认导出";
            hits.Add(new RuleHit(rule, c.ClassDescriptor, c.Permission is null ? why + "，无权限保护" : $"{why}，权限 {c.Permission} 保护级别不足"));
        }
    }

    private sealed class CompiledPattern(CodePattern pattern, ClassHierarchy hierarchy, bool mask)
    {
        public CodePattern Pattern { get; } = pattern;
        public bool Mask { get; } = mask;
        public Regex? String { get; } = pattern.String is null ? null : new Regex(pattern.String, RegexOptions.CultureInvariant);
        public CallPatternMatcher? Call { get; } = pattern.Call is null ? null : new CallPatternMatcher(pattern.Call, hierarchy);
        public Regex?[] Regexes { get; } = pattern.Where.Select(w => w.Matches is null ? null : new Regex(w.Matches, RegexOptions.CultureInvariant)).ToArray();
    }

    private void EvaluateCode(List<RuleDefinition> rules, AppModel app, List<RuleHit> hits)
    {
        var h = app.Hierarchy;
        var compiled = new Dictionary<CodePattern, CompiledPattern>(ReferenceEqualityComparer.Instance);
        foreach (var r in rules)
        {
            foreach (var p in r.Match.Concat(r.UnlessMethodCalls).Concat(r.RequireMethodCalls).Concat(r.UnlessAppCallsAll))
            {
                compiled[p] = new CompiledPattern(p, h, r.Mask);
            }
        }

        var stringPatterns = compiled.Values.Where(c => c.String is not null).ToArray();

        var callMatchers = compiled.Values.Where(c => c.Call is not null).Select(c => c.Call!).ToList();
        var fieldTargets = compiled.Values.Where(c => c.Pattern.Field is not null).Select(c => c.Pattern.Field!).ToHashSet(StringComparer.Ordinal);
        var typeTargets = compiled.Values.Where(c => c.Pattern.NewInstance is not null).Select(c => c.Pattern.NewInstance!).ToHashSet(StringComparer.Ordinal);
        var fieldNames = fieldTargets.Select(f => f[(f.IndexOf("->", StringComparison.Ordinal) + 2)..]).ToHashSet(StringComparer.Ordinal);
        // Matchers by exact name, so that a method id is tested only against the patterns of its own name.
        var byName = callMatchers.Where(c => !c.HasWildcard).GroupBy(c => c.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var wildcards = callMatchers.Where(c => c.HasWildcard).ToArray();
        var filter = new ReferenceFilter(
            m => (byName.TryGetValue(m.Name, out var named) && Array.Exists(named, c => c.Matches(m))) || Array.Exists(wildcards, c => c.Matches(m)),
            f => fieldTargets.Contains($"{f.Class}->{f.Name}"),
            typeTargets.Contains)
        {
            MethodName = n => byName.ContainsKey(n) || Array.Exists(wildcards, c => c.NameMatches(n)),
            MethodClass = h.AssignableToAny(callMatchers.Select(c => c.ClassName).ToHashSet(StringComparer.Ordinal)),
            FieldName = fieldNames.Contains,
            MethodNamePrefixes = callMatchers.Select(c => c.NamePrefix).ToHashSet(StringComparer.Ordinal),
            FieldNames = fieldNames,
            Types = typeTargets,
            StringPrefixes = stringPatterns.Select(c => c.Pattern.StringPrefix!).ToHashSet(StringComparer.Ordinal),
            String = s => Array.Exists(stringPatterns, c => c.String!.IsMatch(s)),
        };
        ApkTiming.Current?.Mark("rules:filter");
        app.PrepareFilter?.Invoke(filter);
        ApkTiming.Current?.Mark("rules:index");

        var exposed = app.Manifest.Components.Where(c => c.IsExposed).Select(c => c.ClassDescriptor).ToHashSet(StringComparer.Ordinal);
        var minSdk = app.Manifest.MinSdk;

        var fields = new FieldConstants(app.Classes);

        // 1. Facts of every method that references a target.
        var analysed = new List<(AppMethod Method, MethodFacts Facts)>();
        foreach (var method in Candidates(app, filter))
        {
            if (Facts(app, method, filter, fields) is { } facts)
            {
                analysed.Add((method, facts));
            }
        }

        ApkTiming.Current?.Mark($"rules:facts({analysed.Count})");

        // 1a. Receivers registered at run time without protection are exposed like exported manifest receivers: the
        // rules that look inside exported components (denial of service) look inside them too.
        foreach (var c in compiled.Values.Where(c => c.Pattern.Exposes is not null && c.Call is not null))
        {
            foreach (var (_, facts) in analysed)
            {
                foreach (var call in facts.Calls)
                {
                    if ((c.Call!.Matches(call.Target) && WhereHolds(c, call)) && c.Pattern.Exposes!.Value < call.Arguments.Count
                        && call.Arguments[c.Pattern.Exposes.Value]?.Object?.Type is { } registered)
                    {
                        exposed.Add(registered);
                    }
                }
            }
        }

        // 1b. Wrappers: methods that hand one of their parameters to a hard-coded-bytes sink (a key, an IV). Their
        // callers are scanned in a second fastref pass and fire when they pass a constant (one call level deep).
        var wrappers = FindWrappers(rules, compiled, analysed);
        var wrapperCalls = new List<(AppMethod Method, MethodFacts Facts)>();
        if (wrappers.Count > 0)
        {
            var wrapperRefs = wrappers.Select(w => w.Wrapper).ToHashSet();
            var wrapperNames = wrapperRefs.Select(w => w.Name).ToHashSet(StringComparer.Ordinal);
            var second = new ReferenceFilter(wrapperRefs.Contains, _ => false, _ => false)
            {
                MethodName = wrapperNames.Contains,
                FieldName = _ => false,
                MethodNamePrefixes = wrapperNames,
                FieldNames = [],
                Types = [],
            };
            app.PrepareFilter?.Invoke(second);
            foreach (var method in Candidates(app, second))
            {
                if (Facts(app, method, second, fields) is { } facts)
                {
                    wrapperCalls.Add((method, facts));
                }
            }
        }

        ApkTiming.Current?.Mark("rules:wrappers");

        // 2. Overrides (TrustManager, HostnameVerifier): classes that implement the interface and declare the method.
        var overrideHits = new Dictionary<CodePattern, List<AppMethod>>(ReferenceEqualityComparer.Instance);
        foreach (var p in compiled.Keys.Where(p => p.Override is not null))
        {
            var o = p.Override!;
            var paren = o.Method.IndexOf('(');
            var name = o.Method[..paren];
            var proto = o.Method[paren..];
            var found = new List<AppMethod>();
            var mayImplement = h.AssignableToAny([o.Implements]); // a memoised bool per type before the full check
            foreach (var cls in app.Classes.Where(c => !c.IsInterface && mayImplement(c.Descriptor) && h.IsAssignableTo(c.Descriptor, o.Implements)))
            {
                foreach (var m in cls.Methods.Where(m => m.Name == name && m.Proto == proto))
                {
                    if (Facts(app, m, null, null) is not { } facts)
                    {
                        continue;
                    }

                    if ((o.Body == "empty" && facts.IsEmpty) || (o.Body == "returnsTrue" && facts.ReturnsConstantTrue))
                    {
                        found.Add(m);
                    }
                }
            }

            overrideHits[p] = found;
        }

        ApkTiming.Current?.Mark("rules:overrides");

        foreach (var rule in rules)
        {
            if (rule.MinSdkBelow is { } below && minSdk >= below)
            {
                continue;
            }

            if (rule.UnlessAppCallsAll.Count > 0 && rule.UnlessAppCallsAll.All(p => analysed.Exists(a => Fires(compiled[p], a.Method, a.Facts, exposed, out _))))
            {
                continue;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in rule.Match.Where(p => p.Override is not null))
            {
                foreach (var m in overrideHits[p].Where(m => seen.Add(m.Location)))
                {
                    hits.Add(new RuleHit(rule, m.Location, $"{p.Override!.Implements} 的 {p.Override.Method} 实现为{(p.Override.Body == "empty" ? "空（不做任何校验）" : "恒返回 true")}"));
                }
            }

            foreach (var (method, facts) in analysed)
            {
                if (seen.Contains(method.Location))
                {
                    continue;
                }

                string? evidence = null;
                foreach (var p in rule.Match.Where(p => p.Override is null))
                {
                    if (Fires(compiled[p], method, facts, exposed, out evidence))
                    {
                        break;
                    }

                    evidence = null;
                }

                if (evidence is null)
                {
                    continue;
                }

                if (rule.RequireMethodCalls.Count > 0 && !rule.RequireMethodCalls.Any(p => Fires(compiled[p], method, facts, exposed, out _)))
                {
                    continue;
                }

                if (rule.UnlessMethodCalls.Any(p => Fires(compiled[p], method, facts, exposed, out _))
                    || rule.UnlessMethodStrings.Any(s => facts.Strings.Exists(f => f.Contains(s, StringComparison.Ordinal))))
                {
                    continue;
                }

                seen.Add(method.Location);
                hits.Add(new RuleHit(rule, method.Location, evidence));
            }

            foreach (var (wrapperRule, wrapper, argument, sink) in wrappers.Where(w => w.Rule == rule))
            {
                foreach (var (method, facts) in wrapperCalls)
                {
                    var call = facts.Calls.Find(c => c.Target == wrapper && argument < c.Arguments.Count && c.Arguments[argument]?.Bytes is not null);
                    if (call is not null && seen.Add(method.Location))
                    {
                        hits.Add(new RuleHit(rule, method.Location, $"硬编码字节数组经 {wrapper}（参数 {argument}）传入 {sink}"));
                    }
                }
            }
        }
    }

    // The methods, in class and method order, that may reference a target of the filter (or whose code does not
    // decode): the scan of every method's bytes runs on both cores, by runs of classes; the methods are built after,
    // in order, only for the classes that have one.
    private static List<AppMethod> Candidates(AppModel app, ReferenceFilter filter)
    {
        const int Run = 256;
        var classes = app.Classes;
        var positions = new List<int>?[classes.Count];
        BothCores.For((classes.Count + Run - 1) / Run, () => new List<DexEncodedMethod>(), (run, scratch) =>
        {
            for (var i = run * Run; i < Math.Min(classes.Count, (run + 1) * Run); i++)
            {
                positions[i] = classes[i].ScanReferences(filter, scratch);
            }
        });

        var candidates = new List<AppMethod>();
        for (var i = 0; i < classes.Count; i++)
        {
            if (positions[i] is { } found)
            {
                var methods = classes[i].Methods;
                foreach (var p in found)
                {
                    candidates.Add(methods[p]);
                }
            }
        }

        return candidates;
    }

    // A method's facts when it may reference a target (always, without a filter); a method whose instructions do not
    // decode is skipped and recorded, never the end of the app's analysis.
    private static MethodFacts? Facts(AppModel app, AppMethod method, ReferenceFilter? filter, FieldConstants? fields)
    {
        try
        {
            if ((filter is not null && !method.MayReference(filter)) || method.LoadCode() is not { } code)
            {
                return null;
            }

            return fields is null ? MethodAnalyzer.Analyze(code) : MethodAnalyzer.Analyze(code, method.Proto, method.IsStatic, fields.Get);
        }
        catch (ApkFormatException ex)
        {
            app.Skip(method.Location, ex.Message);
            return null;
        }
    }

    private static List<(RuleDefinition Rule, MethodRef Wrapper, int Argument, string Sink)> FindWrappers(
        List<RuleDefinition> rules, Dictionary<CodePattern, CompiledPattern> compiled, List<(AppMethod Method, MethodFacts Facts)> analysed)
    {
        var wrappers = new List<(RuleDefinition, MethodRef, int, string)>();
        foreach (var rule in rules)
        {
            foreach (var p in rule.Match.Where(p => p.Call is not null && p.Where.Exists(w => w.Is == "constBytes")))
            {
                var argument = p.Where.First(w => w.Is == "constBytes").Arg;
                foreach (var (method, facts) in analysed)
                {
                    foreach (var call in facts.Calls)
                    {
                        if (argument < call.Arguments.Count && call.Arguments[argument]?.Parameter is { } parameter && compiled[p].Call!.Matches(call.Target))
                        {
                            wrappers.Add((rule, new MethodRef(method.Owner.Descriptor, method.Name, method.Proto), parameter, call.Target.ToString()));
                        }
                    }
                }
            }
        }

        return wrappers;
    }

    private static bool Fires(CompiledPattern c, AppMethod method, MethodFacts facts, HashSet<string> exposed, out string evidence)
    {
        evidence = "";
        var p = c.Pattern;
        if (p.InMethod is not null && !method.IsNamed(p.InMethod))
        {
            return false;
        }

        if (p.InExportedComponent && !exposed.Contains(method.Owner.Descriptor))
        {
            return false;
        }

        if (p.Field is not null)
        {
            var f = facts.FieldReads.Find(f => $"{f.Class}->{f.Name}" == p.Field);
            evidence = f is null ? "" : $"读取 {f}";
            return f is not null;
        }

        if (c.String is not null)
        {
            var found = facts.Strings.Find(c.String.IsMatch);
            evidence = found is null ? "" : $"字符串常量 \"{(c.Mask ? SecretMask.Mask(found) : found)}\"";
            return found is not null;
        }

        if (p.NewInstance is not null)
        {
            evidence = $"new-instance {p.NewInstance}";
            return facts.NewInstances.Contains(p.NewInstance);
        }

        if (c.Call is null)
        {
            return false;
        }

        foreach (var call in facts.Calls)
        {
            if ((p.NotInTry && call.InTry) || !c.Call.Matches(call.Target) || !WhereHolds(c, call))
            {
                continue;
            }

            evidence = $"调用 {call.Target}" + (call.Arguments.Any(a => a is not null)
                ? "（参数 " + string.Join(", ", call.Arguments.Select(a => a?.ToString() ?? "?")) + "）"
                : "");
            return true;
        }

        return false;
    }

    private static bool WhereHolds(CompiledPattern c, CallSite call)
    {
        for (var i = 0; i < c.Pattern.Where.Count; i++)
        {
            var w = c.Pattern.Where[i];
            var value = w.Arg < call.Arguments.Count ? call.Arguments[w.Arg] : null;
            if (w.EqualTo is not null && !EqualsConstant(value, w.EqualTo))
            {
                return false;
            }

            if (c.Regexes[i] is { } regex && (value?.Text is not { } text || !regex.IsMatch(text)))
            {
                return false;
            }

            if (w.Is == "constBytes" && value?.Bytes is null)
            {
                return false;
            }

            // An intent we did not see being made explicit may be implicit: reported, as the seed's scanners do.
            if (w.Is == "implicitIntent" && value?.Object is { Explicit: true })
            {
                return false;
            }

            if (w.LacksFlag is { } flag && value?.Number is { } n && (n & flag) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static bool EqualsConstant(TrackedValue? value, string expected) => expected switch
    {
        "true" => value?.Number == 1,
        "false" or "null" => value?.Number == 0,
        _ when long.TryParse(expected, out var n) => value?.Number == n,
        _ => value?.Text == expected,
    };
}
