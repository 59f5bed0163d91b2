using System.Net;

namespace MedGuard.Server.Tests;

/// <summary>A browser-like HTTP session for the Razor pages: its own cookies, no automatic redirects, and forms posted
/// with the anti-forgery token read from the page, as a browser would send them.</summary>
internal sealed class PageSession : IDisposable
{
    public PageSession(PlatformFixture platform)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = Cookies,
            AllowAutoRedirect = false,

            // An upload sent with Expect: 100-continue waits for the server's answer (a 413 for an oversized body) instead
            // of starting the body after the default 1 s: under load the answer came later and the write hit a closed pipe.
            Expect100ContinueTimeout = TimeSpan.FromSeconds(30),
        })
        { BaseAddress = platform.BaseAddress };
        BaseAddress = platform.BaseAddress;
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public Uri BaseAddress { get; }

    /// <summary>GETs <paramref name="page"/> for its form's token, then posts <paramref name="fields"/> to <paramref name="action"/> (the page itself when null).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, IDictionary<string, string> fields, string? action = null)
    {
        using var form = await Http.GetAsync(page);
        var html = await form.Content.ReadAsStringAsync();
        Assert.True(form.StatusCode == HttpStatusCode.OK, $"{page}: {(int)form.StatusCode}");
        var all = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = PageText.AntiForgeryToken(html) };
        return await Http.PostAsync(action ?? page, new FormUrlEncodedContent(all));
    }

    /// <summary>Logs in on the login page (name, password and code in one step); returns the redirect answer.</summary>
    public Task<HttpResponseMessage> LoginAsync(string userName, string password, string? code, string? returnUrl = null) =>
        PostFormAsync("/account/login", new Dictionary<string, string>
        {
            ["UserName"] = userName,
            ["Password"] = password,
            ["Code"] = code ?? "",
            ["ReturnUrl"] = returnUrl ?? "",
        });

    public string? Cookie(string name) => Cookies.GetCookies(BaseAddress)[name]?.Value;

    public void Dispose() => Http.Dispose();
}
