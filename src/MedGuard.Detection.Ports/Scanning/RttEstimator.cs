namespace MedGuard.Detection.Ports.Scanning;

/// <summary>Round-trip estimate of one host (RFC 6298 smoothing); the connect timeout is srtt + 4·rttvar, clamped.</summary>
internal sealed class RttEstimator(ScanOptions options)
{
    private double _srtt = -1;
    private double _rttvar;

    public void Add(TimeSpan sample)
    {
        var r = sample.TotalMilliseconds;
        if (_srtt < 0)
        {
            _srtt = r;
            _rttvar = r / 2;
            return;
        }

        _rttvar = (0.75 * _rttvar) + (0.25 * Math.Abs(_srtt - r));
        _srtt = (0.875 * _srtt) + (0.125 * r);
    }

    public TimeSpan Timeout
    {
        get
        {
            if (_srtt < 0)
            {
                return options.InitialTimeout;
            }

            var ms = Math.Clamp(_srtt + (4 * _rttvar), options.MinTimeout.TotalMilliseconds, options.MaxTimeout.TotalMilliseconds);
            return TimeSpan.FromMilliseconds(ms);
        }
    }
}
