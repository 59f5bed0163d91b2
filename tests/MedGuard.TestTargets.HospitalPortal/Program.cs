using MedGuard.TestTargets.HospitalPortal;

// Starts the portal on 127.0.0.1 and prints its URL on the first line: `--hardened` for the hardened twin,
// `--port N` for a fixed port (default: one the OS chooses), `--request-log FILE` to log every request (benchmark). Stops on Ctrl+C or SIGTERM.
var mode = args.Contains("--hardened") ? PortalMode.Hardened : PortalMode.Vulnerable;
var portIndex = Array.IndexOf(args, "--port");
var port = portIndex >= 0 && portIndex + 1 < args.Length ? int.Parse(args[portIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
var logIndex = Array.IndexOf(args, "--request-log");
var requestLog = logIndex >= 0 && logIndex + 1 < args.Length ? args[logIndex + 1] : null;
await using var portal = await PortalApp.StartAsync(mode, port, requestLog);
Console.WriteLine(portal.BaseUrl);
Console.Out.Flush();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
