using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Crawl;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>
/// 登录表单 — a form with a password field. Every probe sent to it is a login attempt, and the fields the probe does not
/// tamper with keep their page values: where the page pre-fills an account (a lock screen's user name, a default
/// <c>admin</c>), thirty payloads would be thirty failed logins of that account, and a hospital's lockout policy would
/// lock its staff out. In safe mode the pre-filled account names are replaced by <see cref="ProbeAccount"/>, which no
/// hospital has; the payloads still reach every field, the password field included.
/// </summary>
public static partial class LoginForm
{
    /// <summary>The account name every safe-mode login probe uses in place of a pre-filled one.</summary>
    public const string ProbeAccount = "medguard-probe";

    public static bool Is(Endpoint endpoint) => endpoint.Parameters.Any(p => p.InputType == "password");

    /// <summary>The endpoint with each pre-filled account name replaced; other endpoints and fields unchanged.</summary>
    public static Endpoint WithoutAccountNames(Endpoint endpoint)
    {
        if (!Is(endpoint) || !endpoint.Parameters.Any(NamesAnAccount))
        {
            return endpoint;
        }

        return endpoint with { Parameters = [.. endpoint.Parameters.Select(p => NamesAnAccount(p) ? p with { Value = ProbeAccount } : p)] };
    }

    // A visible text field with a value is what a user name looks like on a login page; a hidden field only when its
    // name says so (a CSRF token or a view state must keep its value, or the server rejects the request unread).
    private static bool NamesAnAccount(EndpointParameter p) => p.Value.Length > 0 && p.InputType switch
    {
        "text" or "email" or "tel" or "number" => true,
        "hidden" => AccountFieldName().IsMatch(p.Name),
        _ => false,
    };

    [GeneratedRegex("user|login|account|acct|uid|e-?mail|工号|账号|帐号|用户", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AccountFieldName();
}
