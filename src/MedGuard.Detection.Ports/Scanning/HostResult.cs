using MedGuard.Detection.Ports.Scope;
using MedGuard.Detection.Ports.Services;

namespace MedGuard.Detection.Ports.Scanning;

/// <summary>One open (or, from an import, closed/filtered) port with what the probes found behind it.</summary>
public sealed record PortResult(int Port, PortState State)
{
    public ServiceInfo? Service { get; set; }

    /// <summary>tcp (the sweep), or udp for a UDP service that answered a probe (Udp/UdpServiceScanner).</summary>
    public string Protocol { get; init; } = "tcp";
}

/// <summary>Everything learned about one host: open ports with services, and counts of the rest.</summary>
public sealed class HostResult
{
    private readonly IReadOnlyList<int> _ports;
    private readonly PortState[] _states;

    internal HostResult(ScanTarget target, IReadOnlyList<int> ports)
    {
        Target = target;
        _ports = ports;
        _states = new PortState[ports.Count];
    }

    /// <summary>For results that come from elsewhere (an nmap XML import).</summary>
    public HostResult(ScanTarget target, IEnumerable<PortResult> ports, int closedCount = 0, int filteredCount = 0)
    {
        Target = target;
        var list = ports.ToList();
        _ports = list.Select(p => p.Port).ToArray();
        _states = list.Select(p => p.State).ToArray();
        OpenPorts.AddRange(list.Where(p => p.State == PortState.Open));
        ImportedClosed = closedCount;
        ImportedFiltered = filteredCount;
    }

    public ScanTarget Target { get; }

    /// <summary>Open ports in ascending order once the scan is complete.</summary>
    public List<PortResult> OpenPorts { get; } = [];

    /// <summary>The host stopped answering and was given up after repeated back-offs.</summary>
    public bool Unresponsive { get; internal set; }

    /// <summary>How many times the scanner paused because the host went silent.</summary>
    public int Backoffs { get; internal set; }

    private int ImportedClosed { get; }

    private int ImportedFiltered { get; }

    public int ClosedCount => ImportedClosed + _states.Count(s => s == PortState.Closed);

    public int FilteredCount => ImportedFiltered + _states.Count(s => s is PortState.Filtered or PortState.Unknown);

    public int PortsScanned => _ports.Count + ImportedClosed + ImportedFiltered;

    public PortState StateOf(int port)
    {
        for (var i = 0; i < _ports.Count; i++)
        {
            if (_ports[i] == port)
            {
                return _states[i];
            }
        }

        return PortState.Unknown;
    }

    internal PortState this[int index]
    {
        get => _states[index];
        set => _states[index] = value;
    }

    internal int PortAt(int index) => _ports[index];

    internal void Complete()
    {
        OpenPorts.Clear();
        for (var i = 0; i < _ports.Count; i++)
        {
            if (_states[i] == PortState.Open)
            {
                OpenPorts.Add(new PortResult(_ports[i], PortState.Open));
            }
        }

        OpenPorts.Sort((a, b) => a.Port.CompareTo(b.Port));
    }
}
