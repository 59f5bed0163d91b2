using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedGuard.Detection.Logic.Tests;

/// <summary>
/// Records one identity's normal booking on the twin as a HAR, the way a browser would (the H5 page's fetch calls with
/// the token header), without a browser: the importer's input when chromium is not needed for the point under test.
/// </summary>
internal sealed class HttpHarRecording(Uri baseUrl)
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl };
    private readonly JsonArray _entries = [];
    private string? _token;

    public async Task<JsonNode> CallAsync(string method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        var headers = new JsonArray { new JsonObject { ["name"] = "Accept", ["value"] = "application/json" } };
        if (_token is not null)
        {
            request.Headers.Add("token", _token);
            headers.Add(new JsonObject { ["name"] = "token", ["value"] = _token });
        }

        string? text = null;
        if (body is not null)
        {
            text = JsonSerializer.Serialize(body);
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var responseText = await response.Content.ReadAsStringAsync();
        var entry = new JsonObject
        {
            ["request"] = new JsonObject { ["method"] = method, ["url"] = new Uri(_http.BaseAddress!, path).ToString(), ["headers"] = headers },
            ["response"] = new JsonObject
            {
                ["status"] = (int)response.StatusCode,
                ["content"] = new JsonObject { ["mimeType"] = response.Content.Headers.ContentType?.ToString() ?? "", ["text"] = responseText },
            },
        };
        if (text is not null)
        {
            entry["request"]!["postData"] = new JsonObject { ["mimeType"] = "application/json", ["text"] = text };
        }

        _entries.Add(entry);
        return JsonNode.Parse(responseText)!;
    }

    /// <summary>Login, department → doctor → schedule → patient → book → my orders → cancel (nothing left behind).</summary>
    public static async Task<string> RecordBookingAsync(Uri baseUrl, string loginCode, string captchaTicket)
    {
        var rec = new HttpHarRecording(baseUrl);
        rec._entries.Add(new JsonObject
        {
            ["request"] = new JsonObject { ["method"] = "GET", ["url"] = new Uri(baseUrl, "/h5/index.html").ToString(), ["headers"] = new JsonArray() },
            ["response"] = new JsonObject { ["status"] = 200, ["content"] = new JsonObject { ["mimeType"] = "text/html", ["text"] = "<html></html>" } },
        });
        var login = await rec.CallAsync("POST", "/api/user/wxLogin", new { code = loginCode });
        rec._token = login["data"]!["token"]!.GetValue<string>();
        var depts = await rec.CallAsync("GET", "/api/hos/deptList");
        var dept = depts["data"]!.AsArray().First(d => d!["isTestDept"]!.GetValue<bool>())!["deptId"]!.GetValue<long>();
        var doctors = await rec.CallAsync("GET", $"/api/hos/doctorList?deptId={dept}");
        var doctor = doctors["data"]!.AsArray()[^1]!["doctorId"]!.GetValue<long>();
        var schedules = await rec.CallAsync("GET", $"/api/reg/scheduleList?doctorId={doctor}");
        var slot = schedules["data"]!.AsArray().First(s => s!["status"]!.GetValue<string>() == "1")!["scheduleId"]!.GetValue<long>();
        var patients = await rec.CallAsync("GET", "/api/patient/list");
        var patient = patients["data"]!.AsArray()[0]!["patientId"]!.GetValue<long>();
        var order = await rec.CallAsync("POST", "/api/reg/confirm", new { scheduleId = slot, patientId = patient, captchaTicket });
        var orderId = order["data"]!["orderId"]!.GetValue<long>();
        await rec.CallAsync("GET", "/api/order/myList");
        await rec.CallAsync("GET", $"/api/order/detail?orderId={orderId}");
        await rec.CallAsync("POST", "/api/reg/cancel", new { orderId });
        return new JsonObject { ["log"] = new JsonObject { ["version"] = "1.2", ["entries"] = rec._entries } }.ToJsonString();
    }
}
