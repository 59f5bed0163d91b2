using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Detection.Web.Scope;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MedGuard.Detection.Web.Tests;

/// <summary>Safe mode spares endpoints that write, and a scan that could not cover everything says so.</summary>
public sealed class ScanLimitsTests
{
    [Theory]
    [InlineData("POST", "/Appointment/Book", true)]
    [InlineData("POST", "/Patient/AddPatient", true)]
    [InlineData("POST", "/api/payment/confirm", true)]
    [InlineData("POST", "/his/%E6%8C%82%E5%8F%B7", true)]   // /his/挂号
    [InlineData("GET", "/Appointment/Book", false)]          // a GET reads
    [InlineData("POST", "/ServiceSelect/GridOrgInfoList", false)]
    [InlineData("POST", "/api/patient/lookup", false)]
    [InlineData("POST", "/Account/Login", false)]
    [InlineData("POST", "/Account/Address", false)]          // "add" only as a whole word
    [InlineData("POST", "/api/news/list", false)]
    public void WritesAreRecognisedByTheWordsOfTheirPath(string method, string path, bool writes) =>
        Assert.Equal(writes, StateChangingEndpoint.IsLikely(new Crawl.Endpoint(method, new Uri("http://127.0.0.1:1" + path), [])));

    private static int _bookings;

    private static Task<LocalServer> Clinic() => LocalServer.StartAsync(app =>
    {
        app.MapGet("/", () => Results.Content("""
            <form action="/Appointment/Book" method="post"><input name="patient" value="张三"><input name="day" value="2026-12-08"></form>
            <form action="/Doctor/Search" method="post"><input name="dept" value="cardiology"></form>
            """, "text/html; charset=utf-8"));
        app.MapPost("/Appointment/Book", () =>
        {
            Interlocked.Increment(ref _bookings);
            return Results.Content("<p>预约成功</p>", "text/html; charset=utf-8");
        });
        app.MapPost("/Doctor/Search", () => Results.Content("<p>心血管内科：王医生</p>", "text/html; charset=utf-8"));
    });

    private static WebScanOptions Options(bool safe, int budget = 5000) => new()
    {
        Http = new HttpPipelineOptions { GlobalRatePerSecond = 0, PerHostRatePerSecond = 0, SafeMode = safe, RequestBudgetPerHost = budget },
        Templates = [],
    };

    [Fact]
    public async Task SafeModeSendsNoPayloadToAWriteButSaysItSparedIt()
    {
        await using var s = await Clinic();
        Interlocked.Exchange(ref _bookings, 0);
        var safe = await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: true)).ScanAsync(s.BaseUrl);
        Assert.Equal(0, Volatile.Read(ref _bookings));
        Assert.Equal(1, safe.ParametersTested);                 // dept of the search form
        var spared = Assert.Single(safe.Limitations);
        Assert.Contains("POST /Appointment/Book", spared, StringComparison.Ordinal);
        Assert.False(safe.Complete);

        // Outside safe mode (a test system), the booking form is probed like any other.
        var full = await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: false)).ScanAsync(s.BaseUrl);
        Assert.True(Volatile.Read(ref _bookings) > 0);
        Assert.Equal(3, full.ParametersTested);
        Assert.True(full.Complete, string.Join("\n", full.Limitations));
    }

    [Fact]
    public async Task AScanStoppedByItsBudgetIsMarkedIncomplete()
    {
        await using var s = await Clinic();
        var report = await new WebScanner(AuthorizedScope.ForOrigin(s.BaseUrl), Options(safe: true, budget: 12)).ScanAsync(s.BaseUrl);
        Assert.Equal(12, report.Requests);
        Assert.Contains(report.Limitations, l => l.Contains("请求预算（12 个）已用完", StringComparison.Ordinal));
    }
}
