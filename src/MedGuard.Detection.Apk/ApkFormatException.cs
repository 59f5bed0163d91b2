namespace MedGuard.Detection.Apk;

/// <summary>
/// The input is not a well-formed APK part (zip, AXML, ARSC, DEX), or it breaks a safety limit (zip bomb, zip slip).
/// Derives from <see cref="FormatException"/> so hosts can treat it like any other bad-input error.
/// </summary>
public sealed class ApkFormatException(string message, Exception? inner = null) : FormatException(message, inner);
