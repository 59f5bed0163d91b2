using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A real server of another stack (php -S, node, nginx, python) started as a child process on 127.0.0.1: the sites that
/// stand for what hospitals run on PHP or Node are those runtimes, not imitations. Disposing kills the whole process tree.
/// </summary>
public static class ChildServer
{
    /// <summary>A free loopback port (the OS picks it; a short race with other processes is acceptable in tests).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether <paramref name="program"/> is on PATH (for <see cref="ITestSite.MissingPrerequisite"/>).</summary>
    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/> and waits
    /// until 127.0.0.1:<paramref name="port"/> accepts connections (or the process exits, which throws with its output).
    /// </summary>
    public static async Task<Func<ValueTask>> StartAsync(string program, IEnumerable<string> arguments, string workingDirectory, int port,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        async ValueTask Stop()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }

            process.Dispose();
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                string text;
                lock (output)
                {
                    text = output.ToString();
                }

                await Stop().ConfigureAwait(false);
                throw new InvalidOperationException($"{program} exited with {process.ExitCode} before listening on {port}:\n{text}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return Stop;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        await Stop().ConfigureAwait(false);
        throw new TimeoutException($"{program} did not listen on 127.0.0.1:{port} within 30 s");
    }
}
