using System.Globalization;
using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Active;
using MedGuard.Detection.Web.Crawl;
using MedGuard.Detection.Web.Http;
using MedGuard.Domain.Scope;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace MedGuard.Detection.Web.Tests;

/// <summary>
/// The time-based SQL injection check against a page that is not injectable but answers the delay payloads late by a
/// schedule: a server that slows down in step with the probes (as a starved one did in a CI run) must not be reported.
/// </summary>
public sealed class TimeBasedInjectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ServerThatStaysSlowAfterTheDoubledDelayIsNotReported()
    {
        // Delays as asked for three probes (d, 0, 2d: a real injection's pattern so far), then still 2d slow when the
        // fourth asks for none: a server slowed by something else that happened to keep in step (and then recovers).
        var finding = await ScanAsync(stuckAt: 3);
        Assert.Null(finding);
    }

    [Fact]
    public async Task DelayThatFollowsThePayloadEveryTimeIsReported()
    {
        // The control: every probe delayed exactly as asked, as a really injectable page answers.
        var finding = await ScanAsync(stuckAt: null);
        Assert.NotNull(finding);
        Assert.Equal("time", finding.Technique);
        Assert.Contains("延时0 →", finding.Finding.Evidence["timing"], StringComparison.Ordinal);
    }

    /// <summary>
    /// A page that sleeps as long as a SLEEP(x) in its id asks (the id is never run as SQL), except that the
    /// <paramref name="stuckAt"/>-th delay probe (from 0) keeps the last non-zero delay and later ones get none.
    /// </summary>
    private async Task<Scanning.WebFinding?> ScanAsync(int? stuckAt)
    {
        var probes = 0;
        var last = 0.0;
        await using var server = await LocalServer.StartAsync(app => app.MapGet("/item", async (string? id) =>
        {
            var asked = id is null ? null : Regex.Match(id, @"SLEEP\(([0-9.]+)\)", RegexOptions.IgnoreCase);
            if (asked is { Success: true })
            {
                var seconds = double.Parse(asked.Groups[1].Value, CultureInfo.InvariantCulture);
                var index = Interlocked.Increment(ref probes) - 1;
                var delay = index == stuckAt ? last : index > stuckAt ? 0 : seconds;
                last = seconds > 0 ? seconds : last;
                await Task.Delay(TimeSpan.FromSeconds(delay));
            }

            return Results.Content(long.TryParse(id, out var n) ? $"<html>药品 {n}</html>" : "<html>参数错误</html>", "text/html");
        }));
        using var pipeline = new SafeHttpPipeline(AuthorizedScope.ForOrigin(server.BaseUrl),
            new HttpPipelineOptions { GlobalRatePerSecond = 1000, PerHostRatePerSecond = 1000 });
        await pipeline.SendAsync(ScanRequest.Get(new Uri(server.BaseUrl, "item?id=1"))); // warm: a cold first answer would widen the noise band
        var endpoint = new Crawl.Endpoint("GET", new Uri(server.BaseUrl, "item"), [new EndpointParameter("id", ParameterKind.Query, "1")]);
        var probe = new ActiveProbe(pipeline, endpoint, endpoint.Parameters[0],
            e => output.WriteLine($"{e.Elapsed.TotalSeconds:0.000}s {Uri.UnescapeDataString(e.Request.Url.Query)}"));
        return await new SqlInjectionCheck().RunAsync(probe, CancellationToken.None);
    }
}
