using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MedGuard.TestTargets.Booking.Tests;

/// <summary>What one API call answered: HTTP status, the envelope's code and data, the raw body and headers.</summary>
internal sealed record Answer(HttpStatusCode Status, string? Code, JsonElement Data, string Body, HttpResponseMessage Response)
{
    public bool Ok => Code == "0000";

    public long Long(string name) => Data.GetProperty(name).GetInt64();

    public decimal Decimal(string name) => Data.GetProperty(name).GetDecimal();

    public string Text(string name) => Data.GetProperty(name).GetString()!;
}

/// <summary>A test identity's H5 client: the `token` header after WeChat login, JSON bodies like the pages send.</summary>
internal sealed class BookingClient(RunningBooking booking, string? token = null) : IDisposable
{
    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = booking.BaseUrl };

    public string? Token { get; } = token;

    public static async Task<BookingClient> LoginAsync(RunningBooking booking, string loginCode)
    {
        using var anonymous = new BookingClient(booking);
        var login = await anonymous.PostAsync("/api/user/wxLogin", new { code = loginCode });
        Assert.Equal("0000", login.Code);
        return new BookingClient(booking, login.Text("token"));
    }

    public Task<Answer> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<Answer> PostAsync(string path, object body) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) });

    /// <summary>Books a schedule for a patient (with the test captcha ticket unless told otherwise).</summary>
    public Task<Answer> ConfirmAsync(long scheduleId, long patientId, decimal? regFee = null, string? ticket = BookingApp.TestCaptchaTicket) =>
        PostAsync("/api/reg/confirm", new { scheduleId, patientId, regFee, captchaTicket = ticket });

    public void Dispose() => http.Dispose();

    private async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        if (Token is not null)
        {
            request.Headers.Add("token", Token);
        }

        using (request)
        {
            var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            string? code = null;
            var data = default(JsonElement);
            if (response.Content.Headers.ContentType?.MediaType == "application/json" && body.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(body);
                code = doc.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                data = doc.RootElement.TryGetProperty("data", out var d) ? d.Clone() : default;
            }

            return new Answer(response.StatusCode, code, data, body, response);
        }
    }
}
