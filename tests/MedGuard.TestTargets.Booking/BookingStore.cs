using System.Collections.Concurrent;

namespace MedGuard.TestTargets.Booking;

/// <summary>
/// The twin's in-memory state, safe across threads: one lock guards every read and every check-then-change (a confirm
/// checks the slot, the patient's other orders and the counters, then books, as one step). Ids are sequential like a
/// real HIS front-end's, so "the next id" is guessable. Tests read orders, bindings and request counts from here.
/// </summary>
public sealed class BookingStore
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<long, Department> departments = [];
    private readonly SortedDictionary<long, Doctor> doctors = [];
    private readonly SortedDictionary<long, Schedule> schedules = [];
    private readonly Dictionary<string, WxAccount> accounts = [];
    private readonly SortedDictionary<long, PatientCard> patients = [];
    private readonly SortedDictionary<long, RegOrder> orders = [];
    private readonly SortedDictionary<long, LabReport> reports = [];
    private readonly Dictionary<string, (string OpenId, DateTimeOffset Expires)> sessions = [];
    private readonly Dictionary<string, List<DateTimeOffset>> confirmAttempts = [];
    private readonly Dictionary<string, List<DateTimeOffset>> cancels = [];
    private readonly ConcurrentDictionary<string, int> requestsByPath = new(StringComparer.OrdinalIgnoreCase);
    private long nextOrderId = 100001;
    private long nextPatientId = 5001;
    private int orderSequence;
    private int requestCount;

    internal BookingStore(DateOnly today) => Today = today;

    /// <summary>The hospital's today; schedules of Today..Today+6 are listed (放号周期 7 天).</summary>
    public DateOnly Today { get; }

    public DateOnly LastListedDate => Today.AddDays(6);

    public IReadOnlyList<Department> Departments => Read(() => departments.Values.ToList());

    public IReadOnlyList<Doctor> Doctors => Read(() => doctors.Values.ToList());

    public IReadOnlyList<Schedule> Schedules => Read(() => schedules.Values.ToList());

    public IReadOnlyList<WxAccount> Accounts => Read(() => accounts.Values.ToList());

    /// <summary>Every patient card ever bound, unbound ones included (Bound = false).</summary>
    public IReadOnlyList<PatientCard> Patients => Read(() => patients.Values.ToList());

    /// <summary>Every order, cancelled ones included.</summary>
    public IReadOnlyList<RegOrder> Orders => Read(() => orders.Values.ToList());

    public IReadOnlyList<LabReport> Reports => Read(() => reports.Values.ToList());

    /// <summary>Requests the twin answered (all paths).</summary>
    public int RequestCount => Volatile.Read(ref requestCount);

    public int RequestsTo(string path) => requestsByPath.TryGetValue(path, out var n) ? n : 0;

    /// <summary>The test identity that logs in with <paramref name="loginCode"/> (TEST_PATIENT_A, _B, _C).</summary>
    public WxAccount TestIdentity(string loginCode) =>
        Read(() => accounts.Values.Single(a => a.LoginCode == loginCode));

    public IReadOnlyList<PatientCard> BoundPatientsOf(string openId) =>
        Read(() => patients.Values.Where(p => p.OpenId == openId && p.Bound).ToList());

    public IReadOnlyList<RegOrder> OrdersOf(string openId) => Read(() => orders.Values.Where(o => o.OpenId == openId).ToList());

    /// <summary>Orders not cancelled (booked or paid): what a cleanup must leave at zero for the test identities.</summary>
    public IReadOnlyList<RegOrder> ActiveOrders => Read(() => orders.Values.Where(o => o.Status != OrderStatus.Cancelled).ToList());

    public RegOrder? Order(long orderId) => Read(() => orders.GetValueOrDefault(orderId));

    public Schedule? Schedule(long scheduleId) => Read(() => schedules.GetValueOrDefault(scheduleId));

    public Doctor? Doctor(long doctorId) => Read(() => doctors.GetValueOrDefault(doctorId));

    public Department? Department(long deptId) => Read(() => departments.GetValueOrDefault(deptId));

    public PatientCard? Patient(long patientId) => Read(() => patients.GetValueOrDefault(patientId));

    public LabReport? Report(long reportId) => Read(() => reports.GetValueOrDefault(reportId));

    public WxAccount? Account(string openId) => Read(() => accounts.GetValueOrDefault(openId));

    /// <summary>Ends every session (of one account, or all): their next request gets 4010, as after a server restart.</summary>
    public void ExpireTokens(string? openId = null)
    {
        lock (gate)
        {
            foreach (var token in sessions.Where(s => openId is null || s.Value.OpenId == openId).Select(s => s.Key).ToList())
            {
                sessions.Remove(token);
            }
        }
    }

    /// <summary>Runs a check-then-change as one step under the store's lock.</summary>
    internal T Atomically<T>(Func<T> step)
    {
        lock (gate)
        {
            return step();
        }
    }

    internal void CountRequest(string path)
    {
        Interlocked.Increment(ref requestCount);
        requestsByPath.AddOrUpdate(path, 1, (_, n) => n + 1);
    }

    internal void Add(Department d) => Write(() => departments[d.DeptId] = d);

    internal void Add(Doctor d) => Write(() => doctors[d.DoctorId] = d);

    internal void Add(WxAccount a) => Write(() => accounts[a.OpenId] = a);

    internal void Add(LabReport r) => Write(() => reports[r.ReportId] = r);

    internal void Put(Schedule s) => Write(() => schedules[s.ScheduleId] = s);

    internal void Put(RegOrder o) => Write(() => orders[o.OrderId] = o);

    internal void Put(PatientCard p) => Write(() => patients[p.PatientId] = p);

    internal PatientCard BindPatient(string openId, string name, string idCardNo, string phone) => Atomically(() =>
    {
        var id = nextPatientId++;
        var card = new PatientCard(id, openId, name, idCardNo, phone, "JZK" + (88000000 + id).ToString(System.Globalization.CultureInfo.InvariantCulture), Bound: true);
        patients[id] = card;
        return card;
    });

    internal RegOrder NewOrder(string openId, long patientId, Schedule schedule, decimal payAmount, DateTimeOffset now) => Atomically(() =>
    {
        var id = nextOrderId++;
        var order = new RegOrder(
            id,
            "GH" + Today.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + (++orderSequence).ToString("D6", System.Globalization.CultureInfo.InvariantCulture),
            openId,
            patientId,
            schedule.ScheduleId,
            payAmount,
            OrderStatus.Unpaid,
            now);
        orders[id] = order;
        var left = schedule.LeftNum - 1;
        schedules[schedule.ScheduleId] = schedule with
        {
            LeftNum = left,
            Status = left <= 0 && schedule.Status == Booking.Schedule.Open ? Booking.Schedule.Full : schedule.Status,
        };
        return order;
    });

    internal void ReleaseSlot(long scheduleId) => Write(() =>
    {
        var s = schedules[scheduleId];
        schedules[scheduleId] = s with { LeftNum = s.LeftNum + 1, Status = s.Status == Booking.Schedule.Full ? Booking.Schedule.Open : s.Status };
    });

    internal void AddSession(string token, string openId, DateTimeOffset expires) => Write(() => sessions[token] = (openId, expires));

    internal string? SessionOpenId(string token, DateTimeOffset now) => Read(() =>
        sessions.TryGetValue(token, out var s) && s.Expires > now ? s.OpenId : null);

    /// <summary>Records one event for an identity and returns how many fell within the window (this one included).</summary>
    internal int CountConfirm(string openId, DateTimeOffset now, TimeSpan window) => Tally(confirmAttempts, openId, now, window, record: true);

    internal void RecordCancel(string openId, DateTimeOffset now) => Tally(cancels, openId, now, TimeSpan.FromDays(1), record: true);

    internal int CancelsWithinDay(string openId, DateTimeOffset now) => Tally(cancels, openId, now, TimeSpan.FromDays(1), record: false);

    private int Tally(Dictionary<string, List<DateTimeOffset>> events, string openId, DateTimeOffset now, TimeSpan window, bool record) => Atomically(() =>
    {
        if (!events.TryGetValue(openId, out var list))
        {
            list = [];
            events[openId] = list;
        }

        list.RemoveAll(t => t <= now - window);
        if (record)
        {
            list.Add(now);
        }

        return list.Count;
    });

    private T Read<T>(Func<T> read) => Atomically(read);

    private void Write(Action write)
    {
        lock (gate)
        {
            write();
        }
    }
}
