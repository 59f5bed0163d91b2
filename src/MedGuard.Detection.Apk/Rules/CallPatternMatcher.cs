using System.Text.RegularExpressions;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Rules;

/// <summary>Matches method references against a rule's call target, through the class hierarchy.</summary>
internal sealed class CallPatternMatcher
{
    private readonly MethodRef _target;
    private readonly Regex? _name;
    private readonly bool _anyProto;
    private readonly ClassHierarchy _hierarchy;

    public CallPatternMatcher(string pattern, ClassHierarchy hierarchy)
    {
        _target = MethodRef.Parse(pattern);
        _name = _target.Name.Contains('*') ? new Regex("^" + Regex.Escape(_target.Name).Replace("\\*", ".*") + "$", RegexOptions.CultureInvariant) : null;
        _anyProto = _target.Proto.StartsWith("(*)", StringComparison.Ordinal);
        _hierarchy = hierarchy;
    }

    /// <summary>The literal start of the name pattern (all of it without a wildcard).</summary>
    public string NamePrefix => _target.Name.Contains('*') ? _target.Name[.._target.Name.IndexOf('*')] : _target.Name;

    /// <summary>Whether the name is a pattern (<c>get*Extra</c>) rather than one name.</summary>
    public bool HasWildcard => _name is not null;

    /// <summary>The class the target method is called on (its subclasses match too).</summary>
    public string ClassName => _target.Class;

    /// <summary>The name without wildcard.</summary>
    public string Name => _target.Name;

    public bool NameMatches(string name) => _name?.IsMatch(name) ?? name == _target.Name;

    public bool Matches(MethodRef method)
    {
        if (!NameMatches(method.Name))
        {
            return false;
        }

        // The proto first: it rejects most constructors (<init>) of an app in one string compare; the hierarchy walk
        // is memoised per (class, target) by the hierarchy itself.
        return (_anyProto || method.Proto == _target.Proto) && _hierarchy.IsAssignableTo(method.Class, _target.Class);
    }
}
