using MedGuard.TestTargets.Sites;

// Starts one test site on 127.0.0.1 and prints its root URL on the first line:
//   --site NAME [--fixed] [--port N] [--request-log FILE]      (--list prints the names and descriptions)
// Stops on Ctrl+C or SIGTERM (the benchmark sends SIGTERM), stopping any child server with it.
if (args.Contains("--list"))
{
    foreach (var (name, site) in SiteCatalog.All.OrderBy(s => s.Key, StringComparer.Ordinal))
    {
        Console.WriteLine($"{name}\t{site.Description}");
    }

    return 0;
}

string? Value(string option)
{
    var i = Array.IndexOf(args, option);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

var siteName = Value("--site");
if (siteName is null)
{
    Console.Error.WriteLine("usage: --site NAME [--fixed] [--port N] [--request-log FILE] | --list");
    return 2;
}

var testSite = SiteCatalog.Get(siteName);
if (testSite.MissingPrerequisite() is { } missing)
{
    Console.Error.WriteLine(missing);
    return 3;
}

var twin = args.Contains("--fixed") ? SiteTwin.Fixed : SiteTwin.Vulnerable;
var port = Value("--port") is { } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : 0;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
await using var running = await testSite.StartAsync(twin, new SiteStartOptions(port, Value("--request-log")), stop.Token);
Console.WriteLine(running.BaseUrl);
Console.Out.Flush();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

return 0;
