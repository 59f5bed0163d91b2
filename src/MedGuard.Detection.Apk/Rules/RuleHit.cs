namespace MedGuard.Detection.Apk.Rules;

/// <summary>One place a rule fired: a class (component rules) or a method (code rules), with evidence text.</summary>
public sealed record RuleHit(RuleDefinition Rule, string Location, string Evidence);
