using System.Globalization;

namespace MedGuard.TestTargets.Booking;

/// <summary>
/// The hospital's data at start: five clinical departments and the testers' 测试科室（勿约）, two weeks of schedules,
/// three test identities (each with one patient card and one lab report) and a few other patients' orders, so order
/// ids are not the testers' alone. All personal data is synthetic (ID numbers have a valid check digit, nothing more).
/// </summary>
internal static class BookingSeed
{
    public const long TestDeptId = 199;
    public const long FirstScheduleId = 20001;

    public static readonly (string Code, string OpenId, string Name, string IdCardBase, string Phone)[] TestIdentities =
    [
        ("TEST_PATIENT_A", "oTEST8f3kQz1PatientA0000000001", "测试患者甲", "11010519900307123", "13800000001"),
        ("TEST_PATIENT_B", "oTEST8f3kQz1PatientB0000000002", "测试患者乙", "11010519851122234", "13800000002"),
        ("TEST_PATIENT_C", "oTEST8f3kQz1PatientC0000000003", "测试患者丙", "11010520010615345", "13800000003"),
    ];

    public static void Populate(BookingStore store, DateTimeOffset now)
    {
        Department[] depts =
        [
            new(101, "心血管内科", false),
            new(102, "消化内科", false),
            new(103, "儿科", false),
            new(104, "妇产科", false),
            new(105, "眼科", false),
            new(TestDeptId, "测试科室（勿约）", true),
        ];
        foreach (var d in depts)
        {
            store.Add(d);
        }

        Doctor[] clinical =
        [
            new(1001, "张建国", "主任医师", 101),
            new(1002, "李秀英", "副主任医师", 101),
            new(1003, "王志强", "主治医师", 102),
            new(1004, "刘芳", "主任医师", 103),
            new(1005, "陈静", "副主任医师", 104),
            new(1006, "杨帆", "主治医师", 105),
        ];
        Doctor[] testers =
        [
            new(1091, "测试医生一", "主治医师", TestDeptId),
            new(1092, "测试医生二", "主治医师", TestDeptId),
        ];
        foreach (var d in clinical.Concat(testers))
        {
            store.Add(d);
        }

        // Ids: the listed week of the clinical doctors, then of the test doctors, then the test doctors' unlisted second
        // week, then the clinical doctors'. So the id right after the highest listed one is a test-department schedule
        // past the window (测试医生一, Today+7 上午), and guessing "the next id" stays inside the test department.
        var id = FirstScheduleId;
        var today = store.Today;
        foreach (var doctor in clinical)
        {
            AddWeek(store, doctor, today, 0, ref id, leftNum: 20);
        }

        foreach (var doctor in testers)
        {
            AddWeek(store, doctor, today, 0, ref id, leftNum: 50);
        }

        foreach (var doctor in testers)
        {
            AddWeek(store, doctor, today, 7, ref id, leftNum: 50);
        }

        foreach (var doctor in clinical)
        {
            AddWeek(store, doctor, today, 7, ref id, leftNum: 20);
        }

        var reportId = 7001L;
        foreach (var (code, openId, name, idBase, phone) in TestIdentities)
        {
            store.Add(new WxAccount(openId, name, code));
            var card = store.BindPatient(openId, name, WithCheckDigit(idBase), phone);
            store.Add(BloodRoutine(reportId++, openId, card.PatientId, today.AddDays(-3)));
        }

        // Other patients of the hospital (no login code): their orders sit among the testers' ids.
        (string OpenId, string Name, string IdBase, string Phone, long ScheduleId)[] others =
        [
            ("oX7Lm2Pq9Rs4Tu6Vw8Xy0Za1Bc3De", "周某某", "32010219780512456", "13900000011", FirstScheduleId + 2),
            ("oF5Gh7Jk9Lm1Np3Qr5St7Uv9Wx1Yz", "吴某某", "44030419920218567", "13900000012", FirstScheduleId + 16),
        ];
        foreach (var (openId, name, idBase, phone, scheduleId) in others)
        {
            store.Add(new WxAccount(openId, name, null));
            var card = store.BindPatient(openId, name, WithCheckDigit(idBase), phone);
            var schedule = store.Schedule(scheduleId)!;
            var order = store.NewOrder(openId, card.PatientId, schedule, schedule.RegFee, now.AddHours(-5));
            store.Put(order with { Status = OrderStatus.Paid, PaidAmount = order.PayAmount });
            store.Add(BloodRoutine(reportId++, openId, card.PatientId, today.AddDays(-10)));
        }
    }

    /// <summary>GB 11643 check digit: the 18th character of a resident ID number.</summary>
    public static string WithCheckDigit(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * weights[i];
        }

        return first17 + "10X98765432"[sum % 11];
    }

    private static void AddWeek(BookingStore store, Doctor doctor, DateOnly today, int fromDay, ref long id, int leftNum)
    {
        var fee = doctor.DeptId == TestDeptId ? 10.00m : doctor.Title switch
        {
            "主任医师" => 50.00m,
            "副主任医师" => 30.00m,
            _ => 15.00m,
        };
        for (var day = fromDay; day < fromDay + 7; day++)
        {
            foreach (var timeFlag in new[] { "上午", "下午" })
            {
                // Day 6 is listed but released only at 15:00 the day before (未开放); the second week is not listed.
                // This morning's slots of the first doctor of each department are gone (已满).
                var status = day >= 6 ? Schedule.NotReleased
                    : day == 0 && timeFlag == "上午" && doctor.DoctorId is 1001 or 1003 or 1091 ? Schedule.Full
                    : Schedule.Open;
                store.Put(new Schedule(id++, doctor.DoctorId, today.AddDays(day), timeFlag, fee, status == Schedule.Full ? 0 : leftNum, status));
            }
        }
    }

    private static LabReport BloodRoutine(long reportId, string openId, long patientId, DateOnly date) => new(
        reportId,
        openId,
        patientId,
        "血常规（五分类）",
        date,
        [
            new("白细胞计数", "6.2", "10^9/L", "3.5-9.5", ""),
            new("红细胞计数", "4.61", "10^12/L", "4.3-5.8", ""),
            new("血红蛋白", "128", "g/L", "130-175", "↓"),
            new("血小板计数", "236", "10^9/L", "125-350", ""),
        ]);

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
}
