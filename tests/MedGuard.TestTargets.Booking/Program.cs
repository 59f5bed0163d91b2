using System.Globalization;
using MedGuard.TestTargets.Booking;

// Starts a booking twin on 127.0.0.1 and prints its URL on the first line: `--mode vulnerable|fixed` (default
// vulnerable), `--port N` (default: one the OS chooses), `--token-lifetime SECONDS`, `--today yyyy-MM-dd`,
// `--request-log FILE` (one line per request, for the benchmark). Stops on Ctrl+C or SIGTERM.
// `--record-har FILE [--login-code TEST_PATIENT_A]` instead records one normal booking through the H5 pages in headless
// chromium into FILE (how Fixtures/booking-patient-a.har was made) and exits.
string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
var mode = Arg("--mode")?.ToLowerInvariant() switch
{
    null or "vulnerable" => BookingMode.Vulnerable,
    "fixed" => BookingMode.Fixed,
    var other => throw new ArgumentException($"未知的 --mode：{other}（可选 vulnerable 或 fixed）"),
};
var defaults = new BookingOptions();
var options = new BookingOptions
{
    Port = Arg("--port") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 0,
    TokenLifetime = Arg("--token-lifetime") is { } s ? TimeSpan.FromSeconds(int.Parse(s, CultureInfo.InvariantCulture)) : defaults.TokenLifetime,
    Today = Arg("--today") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
    RequestLog = Arg("--request-log"),
};
await using var booking = await BookingApp.StartAsync(mode, options);
Console.WriteLine(booking.BaseUrl);
if (Arg("--record-har") is { } har)
{
    var recording = await BookingHarRecorder.RecordAsync(booking.BaseUrl, Arg("--login-code") ?? "TEST_PATIENT_A", har);
    Console.WriteLine($"已录制 {recording.HarPath}（订单 {recording.OrderNo}，已取消）");
    return;
}

Console.Out.Flush();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
// SIGTERM (what the benchmark sends) must end the wait like Ctrl+C.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
