namespace MedGuard.Standards.Grading;

/// <summary>The object cannot be graded as described (e.g. a single device); the message says why and what to do.</summary>
public sealed class GradingException(string message) : FormatException(message);
