namespace MedGuard.Server.Lifecycle;

/// <summary>A lifecycle step refused for a reason the user can act on (shown as one Chinese line, HTTP 400 in the API).</summary>
public sealed class LifecycleException(string message) : Exception(message);
