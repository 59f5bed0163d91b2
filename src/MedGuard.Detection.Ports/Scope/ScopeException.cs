namespace MedGuard.Detection.Ports.Scope;

/// <summary>A target outside the authorized scope, a malformed scope file, or a scope too large without consent.</summary>
public sealed class ScopeException(string message) : Exception(message);
