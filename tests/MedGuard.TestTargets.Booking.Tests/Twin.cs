namespace MedGuard.TestTargets.Booking.Tests;

/// <summary>Starts a twin pinned to one date, so the release window and the ids are the same on every run.</summary>
internal static class Twin
{
    public static readonly DateOnly Today = new(2026, 3, 2);
    public const long TestDoctor = 1091;
    public const long OtherTestDoctor = 1092;
    public const long PatientA = 5001;
    public const long PatientB = 5002;
    public const long ReportA = 7001;

    public static Task<RunningBooking> StartAsync(BookingMode mode, int burstLimit = 3, TimeSpan? tokenLifetime = null) =>
        BookingApp.StartAsync(mode, new BookingOptions
        {
            Today = Today,
            ConfirmBurstLimit = burstLimit,
            TokenLifetime = tokenLifetime ?? TimeSpan.FromMinutes(30),
        });

    /// <summary>The schedule of a doctor on Today+day, morning or afternoon.</summary>
    public static Schedule Slot(RunningBooking booking, long doctorId, int day, string timeFlag = "上午") =>
        booking.Store.Schedules.Single(s => s.DoctorId == doctorId && s.RegDate == Today.AddDays(day) && s.TimeFlag == timeFlag);

    public static string Expect(BookingMode mode, string fixedCode) => mode == BookingMode.Vulnerable ? "0000" : fixedCode;
}
