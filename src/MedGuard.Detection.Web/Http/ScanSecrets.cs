namespace MedGuard.Detection.Web.Http;

/// <summary>
/// The values of one scan that must never appear in evidence (the login's password, the token it obtained). Shared by
/// the pipeline and every exchange it made, so a token learnt from a response is also hidden in that response's evidence
/// when it is rendered later.
/// </summary>
public sealed class ScanSecrets
{
    private volatile string[] _values = [];
    private readonly Lock _lock = new();

    public void Add(string value)
    {
        if (!CredentialRedaction.IsWorthKeeping(value))
        {
            return;
        }

        lock (_lock)
        {
            if (!_values.Contains(value))
            {
                _values = [.. _values, value];
            }
        }
    }

    public string RemoveFrom(string text) => CredentialRedaction.Secrets(text, _values);
}
