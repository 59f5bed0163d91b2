using MedGuard.TestTargets.HospitalPortal;

// Starts the portal on 127.0.0.1 and prints its URL on the first line: `--hardened` for the hardened twin,
// `--port N` for a fixed port (default: one the OS chooses), `--request-log FILE` to log every request (benchmark), `--https` for an https listener too
// (its URL on the second line; the hardened twin also writes its test CA, `--ca-out FILE`, path on the third line). Stops on Ctrl+C or SIGTERM.
var mode = args.Contains("--hardened") ? PortalMode.Hardened : PortalMode.Vulnerable;
var portIndex = Array.IndexOf(args, "--port");
var port = portIndex >= 0 && portIndex + 1 < args.Length ? int.Parse(args[portIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var logIndex = Array.IndexOf(args, "--request-log");
var requestLog = logIndex >= 0 && logIndex + 1 < args.Length ? args[logIndex + 1] : null;
var https = args.Contains("--https");
await using var portal = await PortalApp.StartAsync(mode, port, requestLog, https);
Console.WriteLine(portal.BaseUrl);
if (portal.HttpsUrl is not null)
{
    // Second line: the https listener; the hardened twin's test CA goes next to the request log or into the temp folder.
    Console.WriteLine(portal.HttpsUrl);
    if (portal.TestRoot is not null)
    {
        var caIndex = Array.IndexOf(args, "--ca-out");
        var caPath = caIndex >= 0 && caIndex + 1 < args.Length ? args[caIndex + 1] : Path.Combine(Path.GetTempPath(), "medguard-portal-ca.pem");
        File.WriteAllText(caPath, portal.TestRoot.ExportCertificatePem());
        Console.WriteLine(caPath);
    }
}

Console.Out.Flush();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
// SIGTERM (what the benchmark sends) must end the wait like Ctrl+C: a ProcessExit handler alone let the runtime's
// default SIGTERM handling wait on a main thread that never returned, and portals outlived their benchmark runs.
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
