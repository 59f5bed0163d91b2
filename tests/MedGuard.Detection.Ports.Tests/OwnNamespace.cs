using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MedGuard.Detection.Ports.Tests;

/// <summary>
/// A network namespace the test creates for itself (root only) and deletes on dispose. Code that must make its
/// sockets there runs on a thread of its own moved into the namespace (<c>setns</c>): a socket belongs to the
/// namespace of the thread that created it, whatever thread uses it later.
/// </summary>
internal sealed partial class OwnNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    private OwnNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>A fresh namespace with its loopback up, after the given <c>sysctl</c> settings (key=value) are applied in it.</summary>
    public static OwnNamespace Create(string prefix, params string[] sysctls)
    {
        var name = $"{prefix}-{Environment.ProcessId}-{Random.Shared.Next(100000)}";
        Ip("netns", "add", name);
        var ns = new OwnNamespace(name);
        ns.Exec("ip", "link", "set", "lo", "up");
        foreach (var setting in sysctls)
        {
            ns.Exec("sysctl", "-q", "-w", setting);
        }

        return ns;
    }

    /// <summary>Runs a program inside the namespace and fails the test if it fails.</summary>
    public void Exec(string program, params string[] args) => Ip(["netns", "exec", Name, program, .. args]);

    /// <summary>Runs <paramref name="work"/> on a new thread that has entered the namespace.</summary>
    public T Run<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{Name}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns {Name}: errno {Marshal.GetLastPInvokeError()}");
                }

                result = work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("work in the namespace failed", failure);
    }

    public void Dispose() => Ip("netns", "del", Name);

    private static void Ip(params string[] args)
    {
        var start = new ProcessStartInfo("ip", args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ip {string.Join(' ', args)}: {error}");
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
