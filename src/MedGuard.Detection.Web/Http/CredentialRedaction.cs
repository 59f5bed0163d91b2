using System.Text;
using System.Text.Json;

namespace MedGuard.Detection.Web.Http;

/// <summary>
/// Keeps the scanner's own credentials out of evidence (凭据脱敏): findings are stored, exported and handed to other
/// people, and a live session cookie, bearer token or the login recipe's password would let any reader act as the
/// account the hospital lent us. Header and cookie names stay visible — they are part of what a finding proves — only
/// their values go. The wire traffic itself is never changed.
/// </summary>
public static class CredentialRedaction
{
    public const string Mark = "[已隐去]";

    /// <summary>Headers whose value is a credential whatever its origin.</summary>
    private static readonly string[] CredentialHeaders = ["Authorization", "Proxy-Authorization", "Cookie"];

    /// <summary>Shortest value treated as a secret: shorter ones would blank out unrelated text.</summary>
    private const int MinSecretLength = 4;

    /// <summary>Shortest cookie value taken for a session token (ASP.NET_SessionId has 24 characters, JSESSIONID 32).</summary>
    public const int MinSessionTokenLength = 12;

    public static bool IsCredentialHeader(string name) =>
        CredentialHeaders.Any(h => h.Equals(name, StringComparison.OrdinalIgnoreCase));

    public static bool IsWorthKeeping(string secret) => secret.Length >= MinSecretLength;

    /// <summary>A header's value as evidence shows it: credentials and cookie values hidden, anything else as it is.</summary>
    public static string HeaderValue(string name, string value) =>
        name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) ? SetCookie(value)
        : IsCredentialHeader(name) ? RequestHeader(name, value)
        : value;

    /// <summary>The value of a credential request header as shown in evidence.</summary>
    public static string RequestHeader(string name, string value)
    {
        if (name.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
        {
            return CookiePairs(value);
        }

        // "Bearer xyz" → "Bearer [已隐去]": the scheme tells the reader how the session was carried.
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && !value[..space].Contains('=', StringComparison.Ordinal) ? value[..(space + 1)] + Mark : Mark;
    }

    /// <summary><c>a=1; b=2</c> → <c>a=[已隐去]; b=[已隐去]</c>.</summary>
    public static string CookiePairs(string header) =>
        string.Join("; ", header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? pair[..eq] + "=" + Mark : Mark));

    /// <summary>A Set-Cookie value: the cookie's own value goes, its attributes (Path, HttpOnly, Secure…) stay.</summary>
    public static string SetCookie(string value)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return value;
        }

        var semicolon = value.IndexOf(';', eq);
        return value[..(eq + 1)] + Mark + (semicolon < 0 ? "" : value[semicolon..]);
    }

    /// <summary>The cookie's own value in a Set-Cookie header (empty when there is none).</summary>
    public static string CookieValue(string setCookie)
    {
        var eq = setCookie.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return "";
        }

        var semicolon = setCookie.IndexOf(';', eq);
        return setCookie[(eq + 1)..(semicolon < 0 ? setCookie.Length : semicolon)].Trim().Trim('"');
    }

    /// <summary>Replaces every known secret, also in its URL-encoded and JSON-escaped forms.</summary>
    public static string Secrets(string text, IReadOnlyCollection<string> secrets)
    {
        if (secrets.Count == 0 || text.Length == 0)
        {
            return text;
        }

        var sb = new StringBuilder(text);
        foreach (var secret in secrets)
        {
            foreach (var form in Forms(secret))
            {
                sb.Replace(form, Mark);
            }
        }

        return sb.ToString();
    }

    private static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        var encoded = Uri.EscapeDataString(secret);
        if (encoded != secret)
        {
            yield return encoded;
        }

        var json = JsonSerializer.Serialize(secret)[1..^1];
        if (json != secret)
        {
            yield return json;
        }
    }
}
