using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MedGuard.Server.Tests;

/// <summary>One user's HTTP session with the platform's API: its own cookies, logged in with password and TOTP.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient http;
    private string? csrf;

    private readonly CookieContainer? cookies;

    private ApiClient(HttpClient http, string userName, CookieContainer? cookies = null)
    {
        this.http = http;
        this.cookies = cookies;
        UserName = userName;
    }

    public string UserName { get; }

    public static async Task<ApiClient> LoginAsync(PlatformFixture platform, string userName)
    {
        var account = platform.Credentials[userName];
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        var client = new ApiClient(new HttpClient(handler) { BaseAddress = platform.BaseAddress }, userName, handler.CookieContainer);
        var code = account.TotpSecret is null ? null : await TotpCodes.FreshAsync(account.TotpSecret);
        var response = await client.http.PostAsJsonAsync("/api/session", new { userName, password = account.Password, code });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{userName} 登录失败: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    public static ApiClient Anonymous(PlatformFixture platform) =>
        new(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = platform.BaseAddress }, "anonymous");

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            csrf ??= await TokenAsync();
            if (csrf is not null)
            {
                request.Headers.Add("X-CSRF-TOKEN", csrf);
            }
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends a ready-made body (raw JSON, multipart) with the anti-forgery header.</summary>
    public async Task<(HttpStatusCode Status, string Body)> SendContentAsync(HttpMethod method, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        // A large body waits for the server's go-ahead, as curl does: a body refused unread (413) is then not cut off mid-send.
        request.Headers.ExpectContinue = content.Headers.ContentLength > 1024 * 1024;
        csrf ??= await TokenAsync();
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-TOKEN", csrf);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts an HTML form (fields include its anti-forgery token); the answer's status, body and redirect target.</summary>
    public async Task<(HttpStatusCode Status, string Body, string? Location)> PostFormAsync(string path, IReadOnlyDictionary<string, string> fields)
    {
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location?.OriginalString);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, path);
        Assert.True(status == HttpStatusCode.OK, $"{UserName} GET {path}: {(int)status} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>A GET answered as bytes (documents), with the response's headers.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body, IReadOnlyDictionary<string, string> Headers)> GetBytesAsync(string path)
    {
        using var response = await http.GetAsync(path);
        var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(), headers);
    }

    /// <summary>A page's HTML (200 expected).</summary>
    public async Task<string> GetTextAsync(string path)
    {
        using var response = await http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{UserName} GET {path}: {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string?> TokenAsync()
    {
        using var response = await http.GetAsync("/api/csrf");
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString() : null;
    }

    /// <summary>The value of one of this session's cookies (to replay it from elsewhere).</summary>
    public string? Cookie(string name) => cookies?.GetCookies(http.BaseAddress!)[name]?.Value;

    public void Dispose() => http.Dispose();
}
