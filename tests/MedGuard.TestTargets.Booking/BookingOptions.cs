namespace MedGuard.TestTargets.Booking;

public enum BookingMode
{
    /// <summary>Has every weakness of the report's booking platforms (黄牛抢号, 未开放号源, 取消任意预约, 报错泄露).</summary>
    Vulnerable,

    /// <summary>The same service with exactly those checks added: the engine must find nothing here.</summary>
    Fixed,
}

/// <summary>How a twin runs. Defaults are what a hospital would configure; tests shorten or pin them.</summary>
public sealed class BookingOptions
{
    /// <summary>China Standard Time: the hospital's dates (release window, order numbers) are local dates.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Port on 127.0.0.1; 0 lets the OS choose.</summary>
    public int Port { get; init; }

    /// <summary>How long a token from /api/user/wxLogin stays valid; tests shorten it to expire a session mid-run.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The hospital's "today": the release window is Today..Today+6. Default: today in China.</summary>
    public DateOnly? Today { get; init; }

    /// <summary>The clock for token expiry, burst and cancel counting (tests may pass a fake one).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Fixed twin: more than this many confirms of one identity within <see cref="ConfirmBurstWindow"/> → 4290.</summary>
    public int ConfirmBurstLimit { get; init; } = 3;

    public TimeSpan ConfirmBurstWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Fixed twin: after this many cancels of one identity within 24 h its confirms get 4003.</summary>
    public int CancelFreezeLimit { get; init; } = 3;

    /// <summary>Fixed twin: at most this many bound patient cards (就诊人) per account; one more gets 4004.</summary>
    public int PatientCardLimit { get; init; } = 5;

    /// <summary>Optional request log, one "METHOD path?query" line per request (the benchmark counts traffic here).</summary>
    public string? RequestLog { get; init; }

    internal DateOnly ResolveToday() =>
        Today ?? DateOnly.FromDateTime(Clock.GetUtcNow().ToOffset(ChinaOffset).DateTime);
}
