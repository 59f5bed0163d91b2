using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MedGuard.TestTargets.HospitalPortal;

/// <summary>A real SQLite database file for the portal: services, news, appointments, patients (all synthetic).</summary>
public sealed class PortalDatabase : IDisposable
{
    private readonly string _directory;

    public PortalDatabase()
    {
        _directory = Path.Combine(Path.GetTempPath(), "medguard-portal-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        FilesDirectory = Path.Combine(_directory, "files");
        Directory.CreateDirectory(FilesDirectory);
        ScratchDirectory = Path.Combine(Path.GetTempPath(), "medguard-portal-shell-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(ScratchDirectory);
        if (!OperatingSystem.IsWindows())
        {
            // The injectable shell runs as nobody: let it write here and nowhere of ours.
            File.SetUnixFileMode(ScratchDirectory, (UnixFileMode)0x1FF);
        }
        File.WriteAllText(Path.Combine(FilesDirectory, "guide.txt"), "就诊指南：请携带身份证与医保卡，提前 15 分钟到达。\n");
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "portal.db"), Pooling = false }.ToString();
        Patients = SyntheticPatients.Create();
        Seed();
    }

    public string ConnectionString { get; }

    public string FilesDirectory { get; }

    /// <summary>Working folder of the injectable shell (files that payloads create land here).</summary>
    public string ScratchDirectory { get; }

    public IReadOnlyList<SyntheticPatient> Patients { get; }

    /// <summary>Opens a connection with a MySQL-like <c>sleep(seconds)</c>, so time-based injection has a real delay.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        connection.CreateFunction("sleep", (double seconds) =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 10)));
            return 0;
        });
        return connection;
    }

    private void Seed()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            CREATE TABLE products (ProductId TEXT, OrgName TEXT, ServiceName TEXT);
            INSERT INTO products VALUES ('DATA10000000000014096911', '北京宣武医院', '专家门诊预约');
            INSERT INTO products VALUES ('DATA10000000000014096912', '北京宣武医院', '检验报告查询');
            CREATE TABLE news (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
            INSERT INTO news VALUES (1, '关于调整门诊时间的通知', '自下周一起，门诊时间调整为 8:00–17:30。');
            INSERT INTO news VALUES (2, '冬季流感防治提示', '请老人和儿童及时接种流感疫苗。');
            CREATE TABLE appointments (no TEXT, status TEXT);
            INSERT INTO appointments VALUES ('A1001', '已预约');
            INSERT INTO appointments VALUES ('A1002', '已取消');
            CREATE TABLE cards (card_no TEXT, visits INTEGER);
            INSERT INTO cards VALUES ('MZ20240001', 3);
            INSERT INTO cards VALUES ('MZ20240002', 1);
            """;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
            Directory.Delete(ScratchDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}

/// <summary>Synthetic patients: names, resident IDs with a valid GB 11643 check digit, Luhn-valid UnionPay cards.</summary>
public sealed record SyntheticPatient(string Name, string ResidentId, string BankCard, string Mobile);

public static class SyntheticPatients
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    public static IReadOnlyList<SyntheticPatient> Create()
    {
        string[] names = ["张伟", "王芳", "李娜", "刘洋"];
        var list = new List<SyntheticPatient>();
        for (var i = 0; i < names.Length; i++)
        {
            var id17 = string.Create(CultureInfo.InvariantCulture, $"11010519800{i + 1}1{i + 2}03{i}");
            list.Add(new SyntheticPatient(names[i], id17 + IdCheck(id17), Card(string.Create(CultureInfo.InvariantCulture, $"622202020012345{i}")),
                string.Create(CultureInfo.InvariantCulture, $"1380013800{i}")));
        }

        return list;
    }

    public static char IdCheck(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return "10X98765432"[sum % 11];
    }

    private static string Card(string first15)
    {
        for (var d = 0; d <= 9; d++)
        {
            var candidate = first15 + d;
            var sum = 0;
            var dbl = false;
            for (var i = candidate.Length - 1; i >= 0; i--)
            {
                var v = candidate[i] - '0';
                if (dbl)
                {
                    v = v * 2 > 9 ? (v * 2) - 9 : v * 2;
                }

                sum += v;
                dbl = !dbl;
            }

            if (sum % 10 == 0)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }
}
