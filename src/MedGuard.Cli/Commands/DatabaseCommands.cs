using System.CommandLine;
using System.Data.Common;
using System.Text.Json;
using MedGuard.Storage;
using MedGuard.Storage.Providers;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace MedGuard.Cli.Commands;

/// <summary><c>medguard db migrate|info [--db CONN]</c> — create or upgrade the database, and show what it holds.</summary>
internal sealed class DatabaseCommands : ICommandModule
{
    public void Register(RootCommand root)
    {
        var db = CommandTree.GetOrAdd(root, "db", "数据库：迁移与信息（默认 SQLite 文件 ./data/medguard.db，或 --db / MEDGUARD_DB 指定 PostgreSQL）");

        var migrateDb = DbOption();
        var migrate = new Command("migrate", "创建数据库或升级到最新结构（应用全部未应用的迁移）") { migrateDb };
        migrate.SetAction(parseResult => Migrate(DatabaseTarget.Resolve(parseResult.GetValue(migrateDb)), parseResult.InvocationConfiguration.Output));
        db.Subcommands.Add(migrate);

        var infoDb = DbOption();
        var format = new Option<string>("--format") { Description = "输出格式：table 或 json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var info = new Command("info", "显示数据库类型、位置、已应用的迁移和各表行数") { infoDb, format };
        info.SetAction(parseResult => Info(DatabaseTarget.Resolve(parseResult.GetValue(infoDb)), parseResult.GetValue(format)!, parseResult.InvocationConfiguration.Output));
        db.Subcommands.Add(info);
    }

    private static Option<string?> DbOption() => new("--db")
    {
        Description = "数据库：SQLite 文件路径、\"Data Source=…\"，或 PostgreSQL 连接串 \"Host=…;Port=…;Username=…;Password=…;Database=…\"（默认读取环境变量 MEDGUARD_DB）",
    };

    private static int Migrate(DatabaseTarget target, TextWriter output)
    {
        return WithDatabase(target, () =>
        {
            var pending = MedGuardContextFactory.Migrate(target);
            output.WriteLine($"数据库: {Describe(target)}");
            if (pending.Count == 0)
            {
                output.WriteLine("已是最新结构，无需迁移。");
            }
            else
            {
                output.WriteLine($"已应用 {pending.Count} 个迁移:");
                foreach (var migration in pending)
                {
                    output.WriteLine($"  {migration}");
                }
            }

            return 0;
        });
    }

    private static int Info(DatabaseTarget target, string format, TextWriter output)
    {
        if (target.FilePath is { } path && !File.Exists(path))
        {
            throw new CliException($"数据库文件不存在: {path}（先运行 medguard db migrate 创建）");
        }

        return WithDatabase(target, () =>
        {
            using var context = MedGuardContextFactory.Create(target);
            var applied = context.Database.GetAppliedMigrations().ToList();
            var pending = context.Database.GetPendingMigrations().ToList();
            var rows = applied.Count == 0 ? [] : CountRows(context);

            if (format == "json")
            {
                var json = new
                {
                    provider = target.Provider.ToString(),
                    database = target.Display,
                    appliedMigrations = applied,
                    pendingMigrations = pending,
                    rows,
                };
                output.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return 0;
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            console.WriteLine($"数据库: {Describe(target)}");
            console.WriteLine($"已应用迁移: {(applied.Count == 0 ? "无（空数据库，运行 medguard db migrate）" : string.Join(", ", applied))}");
            if (pending.Count > 0)
            {
                console.WriteLine($"待应用迁移: {string.Join(", ", pending)}（运行 medguard db migrate）");
            }

            if (rows.Count > 0)
            {
                var table = new Table().AddColumn("表").AddColumn(new TableColumn("行数").RightAligned());
                foreach (var (name, count) in rows)
                {
                    table.AddRow(Markup.Escape(name), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                console.Write(table);
            }

            return 0;
        });
    }

    private static Dictionary<string, int> CountRows(MedGuardDbContext context) => new()
    {
        ["Institutions 医疗机构"] = context.Institutions.Count(),
        ["InstitutionContacts 联系人"] = context.InstitutionContacts.Count(),
        ["ProtectedSystems 定级对象"] = context.Systems.Count(),
        ["Gradings 定级"] = context.Gradings.Count(),
        ["Filings 备案"] = context.Filings.Count(),
        ["Assessments 等级测评"] = context.Assessments.Count(),
        ["ItemResults 测评结果"] = context.ItemResults.Count(),
        ["Rectifications 整改"] = context.Rectifications.Count(),
        ["AssessmentAgencies 测评机构"] = context.Agencies.Count(),
        ["AgencyAssignments 委托"] = context.AgencyAssignments.Count(),
        ["Users 用户"] = context.Users.Count(),
        ["AuditEntries 审计"] = context.AuditEntries.Count(),
    };

    private static string Describe(DatabaseTarget target) =>
        target.Provider == DatabaseProvider.Sqlite ? $"SQLite {target.Display}" : $"PostgreSQL {target.Display}";

    /// <summary>Turns "cannot reach / cannot open the database" into one clear line instead of a stack trace.</summary>
    private static int WithDatabase(DatabaseTarget target, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            var inner = ex;
            while (inner.InnerException is not null && inner is not DbException)
            {
                inner = inner.InnerException;
            }

            throw new CliException($"无法访问数据库 {Describe(target)}: {inner.Message}");
        }
    }
}
