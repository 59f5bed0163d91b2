using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<MethodRef, bool> _memo = new();

    public CallPatternMatcher(string pattern, ClassHierarchy hierarchy)
    {
        _target = MethodRef.Parse(pattern);
        _name = _target.Name.Contains('*') ? new Regex("^" + Regex.Escape(_target.Name).Replace("\\*", ".*") + "$", RegexOptions.CultureInvariant) : null;
        _anyProto = _target.Proto.StartsWith("(*)", StringComparison.Ordinal);
        _hierarchy = hierarchy;
    }

    public bool NameMatches(string name) => _name?.IsMatch(name) ?? name == _target.Name;

    public bool Matches(MethodRef method)
    {
        if (!NameMatches(method.Name))
        {
            return false;
        }

        return _memo.GetOrAdd(method, m =>
            (_anyProto || m.Proto == _target.Proto) && _hierarchy.IsAssignableTo(m.Class, _target.Class));
    }
}
