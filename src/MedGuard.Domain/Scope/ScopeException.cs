namespace MedGuard.Domain.Scope;

/// <summary>A target outside the authorized scope (授权范围), a malformed scope file, or a scope too large without consent.</summary>
public sealed class ScopeException(string message) : Exception(message);
