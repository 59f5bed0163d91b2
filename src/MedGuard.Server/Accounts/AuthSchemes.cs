namespace MedGuard.Server.Accounts;

/// <summary>Cookie schemes: the session, and the short-lived step between a correct password and its second factor.</summary>
public static class AuthSchemes
{
    public const string Session = "MedGuard";
    public const string Pending = "MedGuard.Pending";
}
