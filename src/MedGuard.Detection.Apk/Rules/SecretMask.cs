namespace MedGuard.Detection.Apk.Rules;

/// <summary>
/// Masks a hard-coded credential (an Aliyun AccessKey ID, a Tencent Cloud SecretId, a map or push key) before it enters
/// any evidence: the first four and last two characters stay so that the owner can find the key, the rest is starred.
/// The clear value is never kept, so JSON, SARIF and the console all show the masked form.
/// </summary>
public static class SecretMask
{
    public static string Mask(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length <= 8)
        {
            return new string('*', secret.Length);
        }

        return string.Concat(secret.AsSpan(0, 4), new string('*', secret.Length - 6), secret.AsSpan(secret.Length - 2));
    }
}
