namespace MedGuard.TestTargets.Booking.Tests;

/// <summary>The in-memory store under concurrent bookings, and the determinism of a pinned date.</summary>
public sealed class StoreTests
{
    [Fact]
    public async Task Concurrent_confirms_take_each_seat_once_and_get_sequential_ids()
    {
        await using var booking = await Twin.StartAsync(BookingMode.Vulnerable);
        var slot = Twin.Slot(booking, Twin.TestDoctor, 3);
        var clients = await Task.WhenAll(BookingApp.TestLoginCodes.Select(code => BookingClient.LoginAsync(booking, code)));
        try
        {
            // 60 confirms on a slot with 50 seats, from three identities at once.
            var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => clients[i % 3].ConfirmAsync(slot.ScheduleId, 5001 + (i % 3))));
            Assert.Equal(50, answers.Count(x => x.Code == "0000"));
            Assert.Equal(10, answers.Count(x => x.Code == "4008"));
            var ids = answers.Where(x => x.Ok).Select(x => x.Long("orderId")).Order().ToList();
            Assert.Equal(Enumerable.Range(100003, 50).Select(i => (long)i), ids);
            Assert.Equal((0, Schedule.Full), (booking.Store.Schedule(slot.ScheduleId)!.LeftNum, booking.Store.Schedule(slot.ScheduleId)!.Status));
            Assert.Equal(60, booking.Store.RequestsTo("/api/reg/confirm"));
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_pinned_date_gives_the_same_schedules_every_time()
    {
        await using var first = await Twin.StartAsync(BookingMode.Vulnerable);
        await using var second = await Twin.StartAsync(BookingMode.Fixed);
        Assert.Equal(first.Store.Schedules, second.Store.Schedules);
        Assert.Equal(Twin.Today, first.Store.Today);
        Assert.Equal(224, first.Store.Schedules.Count);
        Assert.All(first.Store.Patients.Where(p => p.OpenId.StartsWith("oTEST", StringComparison.Ordinal)), p => Assert.Equal(p.IdCardNo, CheckDigit(p.IdCardNo[..17])));
    }

    [Fact]
    public async Task The_program_prints_its_url_and_serves_the_chosen_twin()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "MedGuard.TestTargets.Booking.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [dll, "--mode", "fixed", "--today", "2026-03-02"]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            var url = new Uri(await process.StandardOutput.ReadLineAsync() ?? "");
            Assert.Equal("127.0.0.1", url.Host);
            using var http = new HttpClient { BaseAddress = url };
            Assert.Equal("""{"code":"9999","msg":"系统繁忙，请稍后再试"}""", await http.GetStringAsync("/api/hos/doctorList?deptId=x"));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static string CheckDigit(string first17)
    {
        int[] w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        return first17 + "10X98765432"[first17.Select((c, i) => (c - '0') * w[i]).Sum() % 11];
    }
}
