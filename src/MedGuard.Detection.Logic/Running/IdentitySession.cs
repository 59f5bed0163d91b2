using System.Net;
using MedGuard.Detection.Logic.Profiles;

namespace MedGuard.Detection.Logic.Running;

/// <summary>
/// One identity's live session: the token its login obtained (or its static headers), and its own cookie jar — the
/// pipeline's shared jar is emptied after every exchange so one patient's cookie never rides on another's request.
/// </summary>
internal sealed class IdentitySession(TestIdentity identity)
{
    public TestIdentity Identity { get; } = identity;

    public string? Token { get; set; }

    public CookieContainer Cookies { get; } = new();

    public int Logins { get; set; }

    public bool LoggedIn => Token is not null || !Identity.CanLogIn;
}
