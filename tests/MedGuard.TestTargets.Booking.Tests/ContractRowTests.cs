using System.Net;

namespace MedGuard.TestTargets.Booking.Tests;

/// <summary>
/// Each row of the booking contract: the vulnerable twin shows the weakness, the fixed twin refuses it with the
/// contract's code — by direct HTTP calls as the engine makes them, and checked on the twin's own state.
/// </summary>
public sealed class ContractRowTests
{
    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Lists_only_the_release_window_and_greys_unreleased_slots(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var anyone = new BookingClient(booking);
        var depts = await anyone.GetAsync("/api/hos/deptList");
        Assert.Equal(HttpStatusCode.OK, depts.Status);
        Assert.Contains(depts.Data.EnumerateArray(), d => d.GetProperty("deptName").GetString() == "测试科室（勿约）" && d.GetProperty("isTestDept").GetBoolean());

        var list = await anyone.GetAsync("/api/reg/scheduleList?doctorId=" + Twin.TestDoctor);
        var dates = list.Data.EnumerateArray().Select(s => DateOnly.Parse(s.GetProperty("regDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(0, 7).Select(Twin.Today.AddDays), dates);
        Assert.All(list.Data.EnumerateArray().Where(s => s.GetProperty("regDate").GetString() == "2026-03-08"), s => Assert.Equal("2", s.GetProperty("status").GetString()));

        // The next id after the highest listed test-department slot is the test department's first unlisted one.
        var highest = booking.Store.Schedules.Where(s => s.DoctorId is Twin.TestDoctor or Twin.OtherTestDoctor && s.RegDate <= booking.Store.LastListedDate).Max(s => s.ScheduleId);
        var next = booking.Store.Schedule(highest + 1)!;
        Assert.Equal((Twin.TestDoctor, Twin.Today.AddDays(7)), (next.DoctorId, next.RegDate));
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Booking_outside_the_release_window_or_a_greyed_slot(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        var pastWindow = await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 9).ScheduleId, Twin.PatientA);
        var greyed = await a.ConfirmAsync(Twin.Slot(booking, Twin.OtherTestDoctor, 6).ScheduleId, Twin.PatientA);
        Assert.Equal(Twin.Expect(mode, "4005"), pastWindow.Code);
        Assert.Equal(Twin.Expect(mode, "4005"), greyed.Code);
        Assert.Equal(HttpStatusCode.OK, greyed.Status);
        Assert.Equal(mode == BookingMode.Vulnerable ? 2 : 0, booking.Store.ActiveOrders.Count(o => o.OpenId == booking.Store.TestIdentity("TEST_PATIENT_A").OpenId));
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task One_patient_two_slots_of_one_doctor_on_one_day(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        Assert.Equal("0000", (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1, "上午").ScheduleId, Twin.PatientA)).Code);
        var second = await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1, "下午").ScheduleId, Twin.PatientA);
        Assert.Equal(Twin.Expect(mode, "4001"), second.Code);
        if (mode == BookingMode.Fixed)
        {
            Assert.Equal("同一就诊人同一医生同日限约一次", System.Text.Json.JsonDocument.Parse(second.Body).RootElement.GetProperty("msg").GetString());
        }

        // Another doctor the same day is not the same rule.
        Assert.Equal("0000", (await a.ConfirmAsync(Twin.Slot(booking, Twin.OtherTestDoctor, 1).ScheduleId, Twin.PatientA)).Code);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task A_burst_of_confirms_from_one_identity(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var b = await BookingClient.LoginAsync(booking, "TEST_PATIENT_B");
        var codes = new List<string?>();
        for (var day = 1; day <= 5; day++)
        {
            codes.Add((await b.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, day).ScheduleId, Twin.PatientB)).Code);
        }

        Assert.Equal(mode == BookingMode.Vulnerable ? ["0000", "0000", "0000", "0000", "0000"] : ["0000", "0000", "0000", "4290", "4290"], codes);

        // The limit is per identity: another one books at once.
        using var c = await BookingClient.LoginAsync(booking, "TEST_PATIENT_C");
        Assert.Equal("0000", (await c.ConfirmAsync(Twin.Slot(booking, Twin.OtherTestDoctor, 1).ScheduleId, 5003)).Code);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Book_cancel_rebook_loop_meets_a_freeze(BookingMode mode)
    {
        // A high burst limit so that the freeze, not the burst limiter, is what the fourth booking meets.
        await using var booking = await Twin.StartAsync(mode, burstLimit: 100);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        var slot = Twin.Slot(booking, Twin.TestDoctor, 2).ScheduleId;
        for (var i = 0; i < 3; i++)
        {
            var booked = await a.ConfirmAsync(slot, Twin.PatientA);
            Assert.Equal("0000", booked.Code);
            Assert.Equal("0000", (await a.PostAsync("/api/reg/cancel", new { orderId = booked.Long("orderId") })).Code);
        }

        Assert.Equal(Twin.Expect(mode, "4003"), (await a.ConfirmAsync(slot, Twin.PatientA)).Code);
        Assert.Equal(50 - (mode == BookingMode.Vulnerable ? 1 : 0), booking.Store.Schedule(slot)!.LeftNum);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Captcha_on_booking(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        Assert.Equal(Twin.Expect(mode, "4002"), (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1).ScheduleId, Twin.PatientA, ticket: null)).Code);
        Assert.Equal(Twin.Expect(mode, "4002"), (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 2).ScheduleId, Twin.PatientA, ticket: "forged")).Code);
        Assert.Equal("0000", (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 3).ScheduleId, Twin.PatientA)).Code);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Booking_for_another_accounts_patient(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        Assert.Equal(Twin.Expect(mode, "4030"), (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1).ScheduleId, Twin.PatientB)).Code);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Fee_and_payment_tampering(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        var booked = await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1).ScheduleId, Twin.PatientA, regFee: 0.01m);
        Assert.Equal("0000", booked.Code);
        Assert.Equal(mode == BookingMode.Vulnerable ? 0.01m : 10.00m, booked.Decimal("payAmount"));

        var second = await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 2).ScheduleId, Twin.PatientA);
        Assert.Equal(10.00m, second.Decimal("payAmount"));
        var pay = await a.PostAsync("/api/pay/create", new { orderId = second.Long("orderId"), payAmount = 0.01m });
        Assert.Equal(Twin.Expect(mode, "4006"), pay.Code);
        var order = booking.Store.Order(second.Long("orderId"))!;
        Assert.Equal(mode == BookingMode.Vulnerable ? OrderStatus.Paid : OrderStatus.Unpaid, order.Status);
        Assert.Equal(mode == BookingMode.Vulnerable ? 0.01m : null, order.PaidAmount);

        // The server's price is paid on both.
        var third = await a.ConfirmAsync(Twin.Slot(booking, Twin.OtherTestDoctor, 1).ScheduleId, Twin.PatientA);
        Assert.Equal("0000", (await a.PostAsync("/api/pay/create", new { orderId = third.Long("orderId"), payAmount = 10.00m })).Code);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Cancelling_another_patients_appointment(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        using var b = await BookingClient.LoginAsync(booking, "TEST_PATIENT_B");
        var orderId = (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1).ScheduleId, Twin.PatientA)).Long("orderId");
        var cancel = await b.PostAsync("/api/reg/cancel", new { orderId });
        Assert.Equal(Twin.Expect(mode, "4030"), cancel.Code);
        var order = booking.Store.Order(orderId)!;
        Assert.Equal(mode == BookingMode.Vulnerable ? OrderStatus.Cancelled : OrderStatus.Unpaid, order.Status);

        // The owner's own cancel works on the fixed twin (the cleanup path).
        if (mode == BookingMode.Fixed)
        {
            Assert.Equal("0000", (await a.PostAsync("/api/reg/cancel", new { orderId })).Code);
            Assert.DoesNotContain(booking.Store.ActiveOrders, o => o.OrderId == orderId);
        }
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Reading_another_patients_order_with_and_without_a_token(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        using var b = await BookingClient.LoginAsync(booking, "TEST_PATIENT_B");
        using var nobody = new BookingClient(booking);
        var orderId = (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1).ScheduleId, Twin.PatientA)).Long("orderId");

        var own = await a.GetAsync("/api/order/detail?orderId=" + orderId);
        Assert.Equal("测试患者甲", own.Text("patientName"));
        Assert.Equal("138****0001", own.Text("phone"));

        var other = await b.GetAsync("/api/order/detail?orderId=" + orderId);
        var anonymous = await nobody.GetAsync("/api/order/detail?orderId=" + orderId);
        Assert.Equal(Twin.Expect(mode, "4030"), other.Code);
        Assert.Equal(Twin.Expect(mode, "4010"), anonymous.Code);
        Assert.Equal(mode == BookingMode.Vulnerable, other.Body.Contains("测试患者甲", StringComparison.Ordinal));
        Assert.Equal(mode == BookingMode.Vulnerable, anonymous.Body.Contains("测试患者甲", StringComparison.Ordinal));

        // My orders lists only one's own, on both twins.
        Assert.Empty((await b.GetAsync("/api/order/myList")).Data.EnumerateArray());
        Assert.Equal("4010", (await nobody.GetAsync("/api/order/myList")).Code);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Reading_another_patients_lab_report(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var b = await BookingClient.LoginAsync(booking, "TEST_PATIENT_B");
        var list = await b.GetAsync("/api/report/list");
        Assert.Equal([7002L], list.Data.EnumerateArray().Select(r => r.GetProperty("reportId").GetInt64()));
        var other = await b.GetAsync("/api/report/detail?reportId=" + Twin.ReportA);
        Assert.Equal(Twin.Expect(mode, "4030"), other.Code);
        Assert.Equal(mode == BookingMode.Vulnerable, other.Body.Contains("测试患者甲", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Binding_patient_cards_without_limit(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var c = await BookingClient.LoginAsync(booking, "TEST_PATIENT_C");
        var codes = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            codes.Add((await c.PostAsync("/api/patient/bind", new { patientName = "测试家属" + i, idCardNo = "11010519900307" + (100 + i) + "X", phone = "1380000010" + i })).Code);
        }

        // C starts with one card: four more reach the limit of five.
        Assert.Equal(mode == BookingMode.Vulnerable ? ["0000", "0000", "0000", "0000", "0000", "0000"] : ["0000", "0000", "0000", "0000", "4004", "4004"], codes);
        var bound = booking.Store.BoundPatientsOf(booking.Store.TestIdentity("TEST_PATIENT_C").OpenId);
        Assert.Equal(mode == BookingMode.Vulnerable ? 7 : 5, bound.Count);

        // Unbinding frees a place (the cleanup of a bind test).
        Assert.Equal("0000", (await c.PostAsync("/api/patient/unbind", new { patientId = bound[^1].PatientId })).Code);
        Assert.Equal("0000", (await c.PostAsync("/api/patient/bind", new { patientName = "测试家属九", idCardNo = "110105199003071999", phone = "13800000199" })).Code);
    }

    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task Bad_input_error_page(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        var answer = await a.GetAsync("/api/order/detail?orderId=abc");
        var server = answer.Response.Headers.Server.ToString();
        if (mode == BookingMode.Vulnerable)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, answer.Status);
            Assert.Equal("Apache-Coyote/1.1", server);
            Assert.Contains("Whitelabel Error Page", answer.Body, StringComparison.Ordinal);
            Assert.Contains("java.lang.NumberFormatException: For input string: &quot;abc&quot;", answer.Body, StringComparison.Ordinal);
            Assert.Contains("at com.hisyun.wxhos.web.controller.OrderController.detail(", answer.Body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal("", server);
            Assert.Equal("""{"code":"9999","msg":"系统繁忙，请稍后再试"}""", answer.Body);
        }

        // A JSON body field of the wrong type takes the same path.
        var body = await a.PostAsync("/api/reg/cancel", new { orderId = "abc" });
        Assert.Equal(mode == BookingMode.Vulnerable ? HttpStatusCode.InternalServerError : HttpStatusCode.OK, body.Status);
        Assert.Equal(mode == BookingMode.Vulnerable, body.Body.Contains("at com.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_twins_answer_a_normal_booking_alike()
    {
        var transcripts = new List<string>();
        foreach (var mode in new[] { BookingMode.Vulnerable, BookingMode.Fixed })
        {
            await using var booking = await Twin.StartAsync(mode);
            using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
            var steps = new List<Answer>
            {
                await a.GetAsync("/api/hos/deptList"),
                await a.GetAsync("/api/hos/doctorList?deptId=199"),
                await a.GetAsync("/api/reg/scheduleList?doctorId=1091"),
                await a.GetAsync("/api/patient/list"),
            };
            var booked = await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1).ScheduleId, Twin.PatientA, regFee: 10.00m);
            steps.Add(booked);
            steps.Add(await a.PostAsync("/api/pay/create", new { orderId = booked.Long("orderId"), payAmount = booked.Decimal("payAmount") }));
            steps.Add(await a.GetAsync("/api/report/list"));
            steps.Add(await a.GetAsync("/api/report/detail?reportId=7001"));
            steps.Add(await a.PostAsync("/api/reg/cancel", new { orderId = booked.Long("orderId") }));
            steps.Add(await a.GetAsync("/api/order/myList"));
            Assert.All(steps, s => Assert.Equal("0000", s.Code));
            // Creation times differ between runs; everything else must be byte for byte the same.
            transcripts.Add(string.Join('\n', steps.Select(s => System.Text.RegularExpressions.Regex.Replace(s.Body, "\"createTime\":\"[^\"]*\"", ""))));
        }

        Assert.Equal(transcripts[0], transcripts[1]);
    }
}
