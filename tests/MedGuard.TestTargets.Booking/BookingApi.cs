using System.Globalization;
using System.Text.RegularExpressions;

namespace MedGuard.TestTargets.Booking;

/// <summary>
/// The JSON API behind the H5 pages. Both twins share every line here except the checks guarded by `fixedTwin`, which
/// are exactly the contract's list: release window and greyed slots (4005), one slot per patient, doctor and day (4001),
/// burst limit (4290), cancel-rebook freeze (4003), captcha (4002), ownership of patient, order and report (4030), the
/// server's price (payAmount, 4006), the patient-card limit (4004) and no token-free order detail (4010).
/// </summary>
internal static partial class BookingApi
{
    public const string CaptchaTicket = "TEST-CAPTCHA-TICKET";

    public static void Map(WebApplication app, BookingStore store, BookingOptions options, BookingMode mode)
    {
        var fixedTwin = mode == BookingMode.Fixed;
        string? Caller(HttpRequest r) => WeChatOAuth.Caller(r, store, options);
        DateTimeOffset Now() => options.Clock.GetUtcNow();

        app.MapGet("/api/user/info", (HttpRequest r) => Caller(r) is { } openId && store.Account(openId) is { } a
            ? SpringEnvelope.Ok(new { openId, nickName = a.NickName, headImgUrl = "/h5/img/avatar.png" })
            : SpringEnvelope.Fail(BookingCodes.TokenExpired));

        // Public hospital information: no token, as on real 掌上医院.
        app.MapGet("/api/hos/deptList", () => SpringEnvelope.Ok(store.Departments.Select(d => new { deptId = d.DeptId, deptName = d.DeptName, isTestDept = d.IsTestDept })));

        app.MapGet("/api/hos/doctorList", (HttpRequest r) =>
        {
            var deptId = SpringRequest.OfQuery(r).QueryLong("deptId");
            return SpringEnvelope.Ok(store.Doctors.Where(d => d.DeptId == deptId)
                .Select(d => new { doctorId = d.DoctorId, doctorName = d.DoctorName, title = d.Title, deptId = d.DeptId }));
        });

        // Only the 7-day release window is listed; the greyed 未开放 slots are listed with status "2".
        app.MapGet("/api/reg/scheduleList", (HttpRequest r) =>
        {
            var doctorId = SpringRequest.OfQuery(r).QueryLong("doctorId");
            return SpringEnvelope.Ok(store.Schedules.Where(s => s.DoctorId == doctorId && s.RegDate >= store.Today && s.RegDate <= store.LastListedDate)
                .Select(ScheduleView));
        });

        app.MapPost("/api/reg/confirm", async (HttpRequest r) =>
        {
            if (Caller(r) is not { } openId)
            {
                return SpringEnvelope.Fail(BookingCodes.TokenExpired);
            }

            var body = await SpringRequest.ReadAsync(r).ConfigureAwait(false);
            var scheduleId = body.BodyLong("scheduleId");
            var patientId = body.BodyLong("patientId");
            var regFee = body.BodyDecimal("regFee");
            var ticket = body.BodyString("captchaTicket");
            if (scheduleId is null || patientId is null)
            {
                return SpringEnvelope.Fail(BookingCodes.BadParameter(scheduleId is null ? "scheduleId 不能为空" : "patientId 不能为空"));
            }

            var now = Now();
            return store.Atomically(() =>
            {
                if (fixedTwin)
                {
                    // The burst limiter sits in front of the controller: every confirm of the identity counts, refused or not.
                    if (store.CountConfirm(openId, now, options.ConfirmBurstWindow) > options.ConfirmBurstLimit)
                    {
                        return SpringEnvelope.Fail(BookingCodes.TooFrequent);
                    }

                    if (ticket != CaptchaTicket || store.Account(openId) is not { IsTestIdentity: true })
                    {
                        return SpringEnvelope.Fail(BookingCodes.CaptchaRequired);
                    }
                }

                if (store.Patient(patientId.Value) is not { Bound: true } patient)
                {
                    return SpringEnvelope.Fail(BookingCodes.NotFound.Item1, "就诊人不存在");
                }

                if (fixedTwin && patient.OpenId != openId)
                {
                    return SpringEnvelope.Fail(BookingCodes.Forbidden);
                }

                if (store.Schedule(scheduleId.Value) is not { } schedule)
                {
                    return SpringEnvelope.Fail(BookingCodes.NoSuchSchedule);
                }

                if (fixedTwin && (schedule.RegDate < store.Today || schedule.RegDate > store.LastListedDate || schedule.Status == Schedule.NotReleased))
                {
                    return SpringEnvelope.Fail(BookingCodes.NotReleased);
                }

                if (schedule.LeftNum <= 0)
                {
                    return SpringEnvelope.Fail(BookingCodes.ScheduleFull);
                }

                if (fixedTwin && store.CancelsWithinDay(openId, now) >= options.CancelFreezeLimit)
                {
                    return SpringEnvelope.Fail(BookingCodes.CancelFrozen);
                }

                if (fixedTwin && store.ActiveOrders.Any(o => o.PatientId == patient.PatientId && SameDoctorDay(store.Schedule(o.ScheduleId)!, schedule)))
                {
                    return SpringEnvelope.Fail(BookingCodes.SameDoctorSameDay);
                }

                // The page sends the fee it showed; the vulnerable service charges what the page sent.
                var payAmount = !fixedTwin && regFee is { } sent ? sent : schedule.RegFee;
                var order = store.NewOrder(openId, patient.PatientId, schedule, payAmount, now);
                return SpringEnvelope.Ok(new { orderId = order.OrderId, orderNo = order.OrderNo, payAmount = order.PayAmount });
            });
        });

        app.MapPost("/api/reg/cancel", async (HttpRequest r) =>
        {
            if (Caller(r) is not { } openId)
            {
                return SpringEnvelope.Fail(BookingCodes.TokenExpired);
            }

            var body = await SpringRequest.ReadAsync(r).ConfigureAwait(false);
            if (body.BodyLong("orderId") is not { } orderId)
            {
                return SpringEnvelope.Fail(BookingCodes.BadParameter("orderId 不能为空"));
            }

            var now = Now();
            return store.Atomically(() =>
            {
                if (store.Order(orderId) is not { } order)
                {
                    return SpringEnvelope.Fail(BookingCodes.NotFound.Item1, "订单不存在");
                }

                if (fixedTwin && order.OpenId != openId)
                {
                    return SpringEnvelope.Fail(BookingCodes.Forbidden);
                }

                if (order.Status == OrderStatus.Cancelled)
                {
                    return SpringEnvelope.Fail(BookingCodes.WrongOrderState);
                }

                store.Put(order with { Status = OrderStatus.Cancelled, CancelTime = now, CancelledBy = openId });
                store.ReleaseSlot(order.ScheduleId);
                store.RecordCancel(openId, now);
                return SpringEnvelope.Ok(new { orderId, orderStatus = StatusCode(OrderStatus.Cancelled), orderStatusName = StatusName(OrderStatus.Cancelled) });
            });
        });

        app.MapGet("/api/order/myList", (HttpRequest r) => Caller(r) is { } openId
            ? SpringEnvelope.Ok(store.OrdersOf(openId).OrderByDescending(o => o.OrderId).Select(o => OrderView(store, o, withPatient: false)))
            : SpringEnvelope.Fail(BookingCodes.TokenExpired));

        // The vulnerable service left this path out of its token filter: anyone's order, even with no token at all.
        app.MapGet("/api/order/detail", (HttpRequest r) =>
        {
            var openId = Caller(r);
            if (fixedTwin && openId is null)
            {
                return SpringEnvelope.Fail(BookingCodes.TokenExpired);
            }

            var orderId = SpringRequest.OfQuery(r).QueryLong("orderId");
            if (store.Order(orderId) is not { } order)
            {
                return SpringEnvelope.Fail(BookingCodes.NotFound.Item1, "订单不存在");
            }

            return fixedTwin && order.OpenId != openId ? SpringEnvelope.Fail(BookingCodes.Forbidden) : SpringEnvelope.Ok(OrderView(store, order, withPatient: true));
        });

        app.MapPost("/api/pay/create", async (HttpRequest r) =>
        {
            if (Caller(r) is not { } openId)
            {
                return SpringEnvelope.Fail(BookingCodes.TokenExpired);
            }

            var body = await SpringRequest.ReadAsync(r).ConfigureAwait(false);
            var orderId = body.BodyLong("orderId");
            var payAmount = body.BodyDecimal("payAmount");
            if (orderId is null || payAmount is null)
            {
                return SpringEnvelope.Fail(BookingCodes.BadParameter(orderId is null ? "orderId 不能为空" : "payAmount 不能为空"));
            }

            return store.Atomically(() =>
            {
                if (store.Order(orderId.Value) is not { } order)
                {
                    return SpringEnvelope.Fail(BookingCodes.NotFound.Item1, "订单不存在");
                }

                if (order.OpenId != openId)
                {
                    return SpringEnvelope.Fail(BookingCodes.Forbidden);
                }

                if (order.Status != OrderStatus.Unpaid)
                {
                    return SpringEnvelope.Fail(BookingCodes.WrongOrderState);
                }

                if (fixedTwin && payAmount.Value != order.PayAmount)
                {
                    return SpringEnvelope.Fail(BookingCodes.AmountMismatch);
                }

                // Test environment: the WeChat Pay call succeeds at once with whatever amount the request carried.
                store.Put(order with { Status = OrderStatus.Paid, PaidAmount = payAmount.Value });
                return SpringEnvelope.Ok(new
                {
                    orderId = order.OrderId,
                    payOrderNo = "WX" + order.OrderNo[2..],
                    payAmount = payAmount.Value,
                    payStatus = "SUCCESS",
                });
            });
        });

        app.MapGet("/api/report/list", (HttpRequest r) => Caller(r) is { } openId
            ? SpringEnvelope.Ok(store.Reports.Where(x => x.OpenId == openId).Select(x => new
            {
                reportId = x.ReportId,
                reportName = x.ReportName,
                patientName = store.Patient(x.PatientId)?.PatientName,
                reportDate = Date(x.ReportDate),
            }))
            : SpringEnvelope.Fail(BookingCodes.TokenExpired));

        app.MapGet("/api/report/detail", (HttpRequest r) =>
        {
            if (Caller(r) is not { } openId)
            {
                return SpringEnvelope.Fail(BookingCodes.TokenExpired);
            }

            var reportId = SpringRequest.OfQuery(r).QueryLong("reportId");
            if (store.Report(reportId) is not { } report)
            {
                return SpringEnvelope.Fail(BookingCodes.NotFound.Item1, "报告不存在");
            }

            if (fixedTwin && report.OpenId != openId)
            {
                return SpringEnvelope.Fail(BookingCodes.Forbidden);
            }

            var patient = store.Patient(report.PatientId)!;
            return SpringEnvelope.Ok(new
            {
                reportId = report.ReportId,
                reportName = report.ReportName,
                patientId = patient.PatientId,
                patientName = patient.PatientName,
                idCardNo = MaskIdCard(patient.IdCardNo),
                reportDate = Date(report.ReportDate),
                items = report.Items.Select(i => new { itemName = i.ItemName, result = i.Result, unit = i.Unit, refRange = i.RefRange, flag = i.Flag }),
            });
        });

        app.MapGet("/api/patient/list", (HttpRequest r) => Caller(r) is { } openId
            ? SpringEnvelope.Ok(store.BoundPatientsOf(openId).Select((p, i) => PatientView(p, isDefault: i == 0)))
            : SpringEnvelope.Fail(BookingCodes.TokenExpired));

        app.MapPost("/api/patient/bind", async (HttpRequest r) =>
        {
            if (Caller(r) is not { } openId)
            {
                return SpringEnvelope.Fail(BookingCodes.TokenExpired);
            }

            var body = await SpringRequest.ReadAsync(r).ConfigureAwait(false);
            var name = body.BodyString("patientName")?.Trim();
            var idCardNo = body.BodyString("idCardNo")?.Trim().ToUpperInvariant();
            var phone = body.BodyString("phone")?.Trim();
            if (string.IsNullOrEmpty(name) || idCardNo is null || !IdCardShape().IsMatch(idCardNo) || phone is null || !PhoneShape().IsMatch(phone))
            {
                return SpringEnvelope.Fail(BookingCodes.BadParameter("请填写正确的姓名、身份证号和手机号"));
            }

            return store.Atomically(() =>
            {
                if (fixedTwin && store.BoundPatientsOf(openId).Count >= options.PatientCardLimit)
                {
                    return SpringEnvelope.Fail(BookingCodes.TooManyPatients);
                }

                var card = store.BindPatient(openId, name, idCardNo, phone);
                return SpringEnvelope.Ok(new { patientId = card.PatientId, cardNo = card.CardNo });
            });
        });

        app.MapPost("/api/patient/unbind", async (HttpRequest r) =>
        {
            if (Caller(r) is not { } openId)
            {
                return SpringEnvelope.Fail(BookingCodes.TokenExpired);
            }

            var body = await SpringRequest.ReadAsync(r).ConfigureAwait(false);
            if (body.BodyLong("patientId") is not { } patientId)
            {
                return SpringEnvelope.Fail(BookingCodes.BadParameter("patientId 不能为空"));
            }

            return store.Atomically(() =>
            {
                if (store.Patient(patientId) is not { Bound: true } card)
                {
                    return SpringEnvelope.Fail(BookingCodes.NotFound.Item1, "就诊人不存在");
                }

                if (card.OpenId != openId)
                {
                    return SpringEnvelope.Fail(BookingCodes.Forbidden);
                }

                store.Put(card with { Bound = false });
                return SpringEnvelope.Ok(null);
            });
        });
    }

    public static string StatusCode(OrderStatus s) => s switch
    {
        OrderStatus.Unpaid => "0",
        OrderStatus.Paid => "1",
        _ => "2",
    };

    public static string StatusName(OrderStatus s) => s switch
    {
        OrderStatus.Unpaid => "待支付",
        OrderStatus.Paid => "已预约",
        _ => "已取消",
    };

    private static bool SameDoctorDay(Schedule a, Schedule b) => a.DoctorId == b.DoctorId && a.RegDate == b.RegDate;

    private static object ScheduleView(Schedule s) => new
    {
        scheduleId = s.ScheduleId,
        doctorId = s.DoctorId,
        regDate = Date(s.RegDate),
        timeFlag = s.TimeFlag,
        regFee = s.RegFee,
        leftNum = s.LeftNum,
        status = s.Status,
    };

    private static object OrderView(BookingStore store, RegOrder o, bool withPatient)
    {
        var schedule = store.Schedule(o.ScheduleId)!;
        var doctor = store.Doctor(schedule.DoctorId)!;
        var patient = store.Patient(o.PatientId)!;
        return new
        {
            orderId = o.OrderId,
            orderNo = o.OrderNo,
            orderStatus = StatusCode(o.Status),
            orderStatusName = StatusName(o.Status),
            deptName = store.Department(doctor.DeptId)!.DeptName,
            doctorName = doctor.DoctorName,
            regDate = Date(schedule.RegDate),
            timeFlag = schedule.TimeFlag,
            scheduleId = o.ScheduleId,
            regFee = schedule.RegFee,
            payAmount = o.PayAmount,
            patientId = o.PatientId,
            patientName = patient.PatientName,
            phone = withPatient ? MaskPhone(patient.Phone) : null,
            cardNo = withPatient ? patient.CardNo : null,
            createTime = o.CreateTime.ToOffset(BookingOptions.ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        };
    }

    private static object PatientView(PatientCard p, bool isDefault) => new
    {
        patientId = p.PatientId,
        patientName = p.PatientName,
        idCardNo = MaskIdCard(p.IdCardNo),
        phone = MaskPhone(p.Phone),
        cardNo = p.CardNo,
        isDefault = isDefault ? "1" : "0",
    };

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string MaskPhone(string phone) => phone.Length == 11 ? phone[..3] + "****" + phone[^4..] : phone;

    private static string MaskIdCard(string id) => id.Length == 18 ? id[..6] + "********" + id[^4..] : id;

    [GeneratedRegex("^[0-9]{17}[0-9X]$")]
    private static partial Regex IdCardShape();

    [GeneratedRegex("^1[3-9][0-9]{9}$")]
    private static partial Regex PhoneShape();
}
