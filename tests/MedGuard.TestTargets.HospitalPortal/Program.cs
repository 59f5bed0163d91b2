using MedGuard.TestTargets.HospitalPortal;

// Starts the portal on 127.0.0.1 and prints its URL on the first line: `--hardened` for the hardened twin,
// `--port N` for a fixed port (default: one the OS chooses). Stops on Ctrl+C or SIGTERM.
var mode = args.Contains("--hardened") ? PortalMode.Hardened : PortalMode.Vulnerable;
var portIndex = Array.IndexOf(args, "--port");
var port = portIndex >= 0 && portIndex + 1 < args.Length ? int.Parse(args[portIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 0;
await using var portal = await PortalApp.StartAsync(mode, port);
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
