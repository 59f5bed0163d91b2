using System.Text.Json;

namespace MedGuard.TestTargets.Booking.Tests;

/// <summary>The recorder path's input: one identity's normal booking through the H5 pages, as a HAR file.</summary>
public sealed class HarRecorderTests
{
    [Fact]
    public async Task Records_a_normal_booking_through_the_h5_pages_and_leaves_no_booking()
    {
        await using var booking = await Twin.StartAsync(BookingMode.Vulnerable);
        var har = Path.Combine(Path.GetTempPath(), "medguard-booking-" + Guid.NewGuid().ToString("N")[..8] + ".har");
        try
        {
            var recording = await BookingHarRecorder.RecordAsync(booking.BaseUrl, "TEST_PATIENT_B", har);
            var order = booking.Store.Order(recording.OrderId)!;
            Assert.Equal((OrderStatus.Cancelled, Twin.PatientB), (order.Status, order.PatientId));
            Assert.Equal(recording.OrderNo, order.OrderNo);
            Assert.Equal(BookingApp.TestDeptId, booking.Store.Doctor(booking.Store.Schedule(order.ScheduleId)!.DoctorId)!.DeptId);
            Assert.DoesNotContain(booking.Store.ActiveOrders, o => o.PatientId == Twin.PatientB);

            var entries = HarEntries(har);
            var api = entries.Where(e => e.Url.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)).Select(e => e.Method + " " + e.Url.AbsolutePath).ToList();
            Assert.Equal(
                [
                    "POST /api/user/wxLogin", "GET /api/hos/deptList", "GET /api/hos/doctorList", "GET /api/reg/scheduleList", "GET /api/patient/list",
                    "POST /api/reg/confirm", "POST /api/pay/create", "GET /api/order/myList", "GET /api/order/detail", "POST /api/reg/cancel",
                ],
                api);
            // Every API call after login carries the token header; the confirm carries the ids, fee and captcha ticket.
            Assert.All(entries.Where(e => e.Url.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal) && e.Url.AbsolutePath != "/api/user/wxLogin"), e => Assert.NotNull(e.Token));
            var confirm = entries.Single(e => e.Url.AbsolutePath == "/api/reg/confirm");
            using var body = JsonDocument.Parse(confirm.RequestBody!);
            Assert.Equal(order.ScheduleId, body.RootElement.GetProperty("scheduleId").GetInt64());
            Assert.Equal(BookingApp.TestCaptchaTicket, body.RootElement.GetProperty("captchaTicket").GetString());
            Assert.Contains(recording.OrderNo, confirm.ResponseBody, StringComparison.Ordinal);
            Assert.Contains(entries, e => e.Url.AbsolutePath == "/wx/oauth2/authorize" && e.Url.Query.Contains("test_user=TEST_PATIENT_B", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(har);
        }
    }

    [Fact]
    public void The_fixture_is_a_booking_recorded_on_loopback()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "booking-patient-a.har");
        var entries = HarEntries(path);
        Assert.All(entries, e => Assert.Equal("127.0.0.1", e.Url.Host));
        Assert.Contains(entries, e => e.Url.AbsolutePath == "/api/reg/confirm" && e.RequestBody!.Contains("\"patientId\":5001", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Url.AbsolutePath == "/api/reg/cancel" && e.ResponseBody.Contains("\"code\":\"0000\"", StringComparison.Ordinal));
    }

    private sealed record HarEntry(string Method, Uri Url, string? Token, string? RequestBody, string ResponseBody);

    private static List<HarEntry> HarEntries(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray().Select(e =>
        {
            var request = e.GetProperty("request");
            var token = request.GetProperty("headers").EnumerateArray().Where(h => h.GetProperty("name").GetString()!.Equals("token", StringComparison.OrdinalIgnoreCase)).Select(h => h.GetProperty("value").GetString()).FirstOrDefault();
            var body = request.TryGetProperty("postData", out var post) ? post.GetProperty("text").GetString() : null;
            var content = e.GetProperty("response").GetProperty("content");
            var text = content.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
            if (content.TryGetProperty("encoding", out var enc) && enc.GetString() == "base64")
            {
                text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text));
            }

            return new HarEntry(request.GetProperty("method").GetString()!, new Uri(request.GetProperty("url").GetString()!), token, body, text);
        }).ToList();
    }
}
