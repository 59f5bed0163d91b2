using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using static MedGuard.TestTargets.HospitalPortal.PortalPages;

namespace MedGuard.TestTargets.HospitalPortal;

public enum PortalMode
{
    /// <summary>Reproduces the seed's evidence: every check has a positive case here.</summary>
    Vulnerable,

    /// <summary>The same site with every flaw fixed: the scan must report none of the vulnerable twin's findings.</summary>
    Hardened,
}

/// <summary>A running portal on 127.0.0.1 with a port the OS chose (or the one asked for).</summary>
public sealed class RunningPortal(WebApplication app, PortalDatabase database, Uri baseUrl, PortalMode mode) : IAsyncDisposable
{
    public Uri BaseUrl { get; } = baseUrl;

    public PortalMode Mode { get; } = mode;

    public PortalDatabase Database { get; } = database;

    /// <summary>The https listener, when started with one.</summary>
    public Uri? HttpsUrl { get; init; }

    /// <summary>The test CA that issued the hardened twin's certificate (trust it in the scanner's TLS checks).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TestRoot { get; init; }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        Database.Dispose();
    }
}

/// <summary>
/// The hospital portal test target. Vulnerable mode mirrors the seed: IIS/ASP.NET MVC headers, a POST field with a
/// boolean SQL injection on a real SQLite database, a stack-trace error page, a backup file, a directory listing, a HIS
/// page leaking synthetic patients' IDs and card numbers, a login form with a CSRF token. Both twins answer 200 with a
/// "page not found" page for unknown paths (a soft-404 site).
/// </summary>
public static class PortalApp
{
    public const string UserName = "doctor";
    public const string Password = "Medguard#2024";

    public static async Task<RunningPortal> StartAsync(PortalMode mode, int port = 0, string? requestLog = null, bool https = false)
    {
        // sleep() blocks a pool thread for its whole delay (SQLite functions are synchronous). In tests the portal shares
        // its process with the scanner and with the other twin; a starved pool then delays their unrelated requests by
        // about the same amounts, which a time-based check on the hardened twin took for its own payload (a CI run:
        // 0.5 s, 0, 1 s on a parameterised endpoint). With threads to spare a sleeping query delays only itself.
        ThreadPool.GetMinThreads(out var workers, out var completions);
        if (workers < 64)
        {
            ThreadPool.SetMinThreads(64, completions);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var (certificate, root) = https ? PortalCertificates.Create(mode) : (null, null);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, port);
            if (certificate is not null)
            {
                k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(certificate));
            }
        });
        var app = builder.Build();
        var db = new PortalDatabase();
        var vulnerable = mode == PortalMode.Vulnerable;
        var sessions = new HashSet<string>();

        // Optional server-side request log, one line per request: the benchmark counts every tool's traffic here.
        var logLock = new Lock();
        var log = requestLog is null ? null : new StreamWriter(requestLog, append: true) { AutoFlush = true };
        app.Lifetime.ApplicationStopped.Register(() => log?.Dispose());
        app.Use(async (ctx, next) =>
        {
            if (log is not null)
            {
                lock (logLock)
                {
                    log.WriteLine($"{ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}");
                }
            }

            var h = ctx.Response.Headers;
            if (vulnerable)
            {
                h["Server"] = "Microsoft-IIS/7.0";
                h["X-AspNetMvc-Version"] = "4.0";
                h["X-AspNet-Version"] = "4.0.30319";
                h["X-Powered-By"] = "ASP.NET";
                var origin = ctx.Request.Headers.Origin.ToString();
                if (origin.Length > 0)
                {
                    h["Access-Control-Allow-Origin"] = origin;
                    h["Access-Control-Allow-Credentials"] = "true";
                }

                if (!ctx.Request.Cookies.ContainsKey("ASP.NET_SessionId"))
                {
                    h.Append("Set-Cookie", "ASP.NET_SessionId=" + Guid.NewGuid().ToString("N")[..24] + "; path=/");
                }
            }
            else
            {
                h["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'self'";
                h["X-Frame-Options"] = "SAMEORIGIN";
                h["X-Content-Type-Options"] = "nosniff";
                h["Referrer-Policy"] = "same-origin";
                if (ctx.Request.IsHttps)
                {
                    h["Strict-Transport-Security"] = "max-age=31536000";
                }

                if (!ctx.Request.Cookies.ContainsKey("ASP.NET_SessionId"))
                {
                    h.Append("Set-Cookie", "ASP.NET_SessionId=" + Guid.NewGuid().ToString("N")[..24] + "; path=/; HttpOnly; SameSite=Lax" + (ctx.Request.IsHttps ? "; Secure" : ""));
                }
            }

            if (HttpMethods.IsOptions(ctx.Request.Method))
            {
                h["Allow"] = vulnerable ? "OPTIONS, TRACE, GET, HEAD, POST, PUT, DELETE" : "GET, HEAD, POST";
                ctx.Response.StatusCode = 200;
                return;
            }

            if (HttpMethods.IsTrace(ctx.Request.Method))
            {
                if (!vulnerable)
                {
                    ctx.Response.StatusCode = 405;
                    return;
                }

                var echo = new StringBuilder($"TRACE {ctx.Request.Path}{ctx.Request.QueryString} HTTP/1.1\r\n");
                foreach (var (k, v) in ctx.Request.Headers)
                {
                    echo.Append(k).Append(": ").Append(v.ToString()).Append("\r\n");
                }

                ctx.Response.ContentType = "message/http";
                await ctx.Response.WriteAsync(echo.ToString()).ConfigureAwait(false);
                return;
            }

            if (vulnerable)
            {
                try
                {
                    await next(ctx).ConfigureAwait(false);
                }
                catch (Exception ex) when (!ctx.Response.HasStarted)
                {
                    ctx.Response.StatusCode = 500;
                    ctx.Response.ContentType = "text/html; charset=utf-8";
                    await ctx.Response.WriteAsync(PortalPages.YellowScreen(ex, ctx.Request.Path)).ConfigureAwait(false);
                }
            }
            else
            {
                try
                {
                    await next(ctx).ConfigureAwait(false);
                }
                catch (Exception) when (!ctx.Response.HasStarted)
                {
                    ctx.Response.StatusCode = 500;
                    ctx.Response.ContentType = "text/html; charset=utf-8";
                    await ctx.Response.WriteAsync(PortalPages.Layout("服务器繁忙", "<h1>服务器繁忙</h1><p>请稍后再试。</p>")).ConfigureAwait(false);
                }
            }
        });

        app.MapGet("/", () => Html(PortalPages.Home()));

        // The seed's endpoint: a form page and the POST that queries the database with the field glued into SQL.
        app.MapGet("/ServiceSelect/GetServiceSelectList", () => Html(PortalPages.ServiceSelect()));
        app.MapPost("/ServiceSelect/GridOrgInfoList", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync().ConfigureAwait(false);
            var productId = form["ProductId"].ToString();
            using var c = db.Open();
            using var cmd = c.CreateCommand();
            if (vulnerable)
            {
                cmd.CommandText = "SELECT ProductId, OrgName, ServiceName FROM products WHERE ProductId = '" + productId + "'";
            }
            else
            {
                cmd.CommandText = "SELECT ProductId, OrgName, ServiceName FROM products WHERE ProductId = $p";
                cmd.Parameters.AddWithValue("$p", productId);
            }

            var rows = new List<object>();
            try
            {
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    rows.Add(new { ProductId = reader.GetString(0), OrgName = reader.GetString(1), ServiceName = reader.GetString(2) });
                }
            }
            catch (SqliteException)
            {
                // The seed's endpoint swallowed errors: only the boolean difference gives it away.
            }

            return Results.Json(new { Data = rows, Total = rows.Count, AggregateResults = (object?)null, Errors = (object?)null }, PascalCase);
        });

        // Numeric id glued into SQL; the vulnerable twin shows the database error (error-based injection).
        app.MapGet("/News/Detail", (string? id) =>
        {
            using var c = db.Open();
            using var cmd = c.CreateCommand();
            if (vulnerable)
            {
                cmd.CommandText = "SELECT title, body FROM news WHERE id = " + id;
            }
            else
            {
                if (!int.TryParse(id, out var n))
                {
                    return Html(PortalPages.NotFound("/News/Detail"), 200);
                }

                cmd.CommandText = "SELECT title, body FROM news WHERE id = $id";
                cmd.Parameters.AddWithValue("$id", n);
            }

            using var reader = cmd.ExecuteReader();
            return reader.Read()
                ? Html(PortalPages.Layout(reader.GetString(0), $"<h1>{Encode(reader.GetString(0))}</h1><p>{Encode(reader.GetString(1))}</p>"))
                : Html(PortalPages.Layout("新闻", "<p>没有找到这条新闻。</p>"));
        });

        // Blind: the page never changes and errors are swallowed; only time gives the injection away.
        app.MapGet("/Appointment/Query", (string? no) =>
        {
            using var c = db.Open();
            using var cmd = c.CreateCommand();
            if (vulnerable)
            {
                cmd.CommandText = "SELECT COUNT(*) FROM appointments WHERE no = '" + no + "'";
            }
            else
            {
                cmd.CommandText = "SELECT COUNT(*) FROM appointments WHERE no = $no";
                cmd.Parameters.AddWithValue("$no", no ?? "");
            }

            try
            {
                using var reader = cmd.ExecuteReader();
                do
                {
                    while (reader.Read())
                    {
                    }
                }
                while (reader.NextResult());
            }
            catch (SqliteException)
            {
            }

            return Html(PortalPages.Layout("预约查询", "<p>查询已提交，结果将以短信通知您。</p>"));
        });

        // A department id that is not a number crashes the vulnerable twin into a stack-trace page.
        app.MapGet("/Department/Detail", (string? id) =>
        {
            if (!vulnerable && !int.TryParse(id, out _))
            {
                return Html(PortalPages.Layout("科室介绍", "<p>请选择科室。</p>"), 400);
            }

            var n = int.Parse(id ?? "", System.Globalization.CultureInfo.InvariantCulture);
            return Html(PortalPages.Layout("科室介绍", $"<h1>科室 {n}</h1><p>心血管内科</p>"));
        });

        // A report whose table is long gone: the vulnerable twin prints the bare database error (no stack trace), the
        // hardened one a generic message. The year is parsed, so the error is there before any payload: no injection.
        app.MapGet("/Report/Export", (string? year) =>
        {
            var y = int.TryParse(year, out var parsed) ? parsed : 2019;
            using var c = db.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM report_{y}";
            try
            {
                using var reader = cmd.ExecuteReader();
                return Html(PortalPages.Layout("年度统计报表", "<p>报表已生成。</p>"));
            }
            catch (SqliteException ex)
            {
                return vulnerable
                    ? Results.Text(ex.Message, "text/plain; charset=utf-8", statusCode: 500)
                    : Html(PortalPages.Layout("年度统计报表", "<p>报表生成失败，请联系信息科。</p>"), 500);
            }
        });

        app.MapGet("/Search", (string? q) =>
        {
            q ??= "";
            var shown = vulnerable ? q : Encode(q);
            return Html(PortalPages.Layout("站内搜索", $"""
                <form action="/Search" method="get"><input name="q" value="{shown}"><button>搜索</button></form>
                <p>您搜索的是：{shown}</p><p>没有找到相关内容。</p>
                """));
        });

        app.MapGet("/Tools/Ping", async (string? host) =>
        {
            host ??= "";
            string output;
            if (vulnerable)
            {
                // Glued into a shell command line: the classic "network diagnosis" page. Scanners send all sorts of
                // payloads here, so the real shell runs as nobody, in a scratch folder, with an empty environment.
                var psi = Environment.IsPrivilegedProcess && File.Exists("/usr/bin/setpriv")
                    ? new ProcessStartInfo("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", "/bin/sh", "-c", "echo 正在检测 " + host])
                    : new ProcessStartInfo("/bin/sh", ["-c", "echo 正在检测 " + host]);
                psi.RedirectStandardOutput = true;
                psi.RedirectStandardError = true;
                psi.WorkingDirectory = db.ScratchDirectory;
                psi.Environment.Clear();
                psi.Environment["PATH"] = "/usr/bin:/bin";
                using var p = Process.Start(psi)!;
                var read = p.StandardOutput.ReadToEndAsync();
                var finished = await Task.WhenAny(read, Task.Delay(5000)).ConfigureAwait(false) == read;
                if (!finished)
                {
                    p.Kill(entireProcessTree: true);
                }

                output = finished ? await read.ConfigureAwait(false) : "超时";
            }
            else
            {
                output = IPAddress.TryParse(host, out var ip) ? "正在检测 " + ip : "请输入有效的 IP 地址";
            }

            return Html(PortalPages.Layout("网络诊断", $"""
                <form action="/Tools/Ping" method="get"><input name="host" value="{Encode(host)}"><button>检测</button></form>
                <pre>{Encode(output)}</pre>
                """));
        });

        app.MapGet("/Download", (string? file) =>
        {
            file ??= "";
            string path;
            if (vulnerable)
            {
                path = Path.Combine(db.FilesDirectory, file);
            }
            else
            {
                path = Path.GetFullPath(Path.Combine(db.FilesDirectory, Path.GetFileName(file)));
                if (!path.StartsWith(db.FilesDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    return Html(PortalPages.NotFound("/Download"));
                }
            }

            return File.Exists(path)
                ? Results.Text(File.ReadAllText(path), "text/plain; charset=utf-8")
                : Html(PortalPages.Layout("下载", "<p>文件不存在。</p>"));
        });

        app.MapGet("/Go", (string? url) =>
        {
            url ??= "/";
            if (!vulnerable && !(url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)))
            {
                url = "/";
            }

            return Results.Redirect(url);
        });

        app.MapGet("/uploads/", () => vulnerable
            ? Html(PortalPages.DirectoryListing())
            : Html(PortalPages.Layout("禁止访问", "<h1>403 禁止访问</h1>"), 403));

        app.MapGet("/Account/Login", (HttpContext ctx) =>
        {
            var token = Guid.NewGuid().ToString("N");
            ctx.Response.Cookies.Append("__RequestVerificationToken", token, new CookieOptions { HttpOnly = true, Path = "/", Secure = !vulnerable && ctx.Request.IsHttps });
            return Html(PortalPages.Login(token, null));
        });
        app.MapPost("/Account/Login", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync().ConfigureAwait(false);
            var cookieToken = ctx.Request.Cookies["__RequestVerificationToken"];
            if (string.IsNullOrEmpty(cookieToken) || cookieToken != form["__RequestVerificationToken"].ToString())
            {
                return Html(PortalPages.Layout("请求无效", "<p>页面已过期，请刷新后重试。</p>"), 400);
            }

            if (form["UserName"] != UserName || form["Password"] != Password)
            {
                return Html(PortalPages.Login(cookieToken, "用户名或密码错误"));
            }

            var session = Guid.NewGuid().ToString("N");
            lock (sessions)
            {
                sessions.Add(session);
            }

            ctx.Response.Headers.Append("Set-Cookie", ".ASPXAUTH=" + session + "; path=/" + (vulnerable ? "" : "; HttpOnly; SameSite=Lax" + (ctx.Request.IsHttps ? "; Secure" : "")));
            return Results.Redirect("/His/PatientList");
        });
        app.MapGet("/Account/Logout", () => Results.Redirect("/"));

        // The HIS screen of the seed: names with ID and bank card numbers, in clear on the vulnerable twin.
        app.MapGet("/His/PatientList", (HttpContext ctx) =>
        {
            var auth = ctx.Request.Cookies[".ASPXAUTH"];
            bool signedIn;
            lock (sessions)
            {
                signedIn = auth is not null && sessions.Contains(auth);
            }

            return signedIn ? Html(PortalPages.PatientList(db.Patients, masked: !vulnerable)) : Results.Redirect("/Account/Login");
        });

        app.MapGet("/app", () => Html(PortalPages.SinglePageApp()));
        app.MapGet("/static/app.js", () => Results.Text(PortalPages.AppScript, "application/javascript; charset=utf-8"));
        app.MapPost("/api/patient/lookup", async (HttpRequest request) =>
        {
            var body = await System.Text.Json.JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
            var cardNo = body.RootElement.TryGetProperty("cardNo", out var v) ? v.ToString() : "";
            using var c = db.Open();
            using var cmd = c.CreateCommand();
            if (vulnerable)
            {
                cmd.CommandText = "SELECT visits FROM cards WHERE card_no = '" + cardNo + "'";
            }
            else
            {
                cmd.CommandText = "SELECT visits FROM cards WHERE card_no = $c";
                cmd.Parameters.AddWithValue("$c", cardNo);
            }

            try
            {
                var visits = cmd.ExecuteScalar();
                return visits is null ? Results.Json(new { found = false }) : Results.Json(new { found = true, visits });
            }
            catch (SqliteException)
            {
                return Results.Json(new { found = false });
            }
        });
        app.MapGet("/api/reports/{id:int}", (int id) => Results.Json(new { id, title = "血常规检验报告", status = "已出报告" }));

        // Files the vulnerable twin leaves in its web root.
        if (vulnerable)
        {
            foreach (var (path, type, content) in PortalPages.ExposedFiles)
            {
                app.MapGet(path, () => Results.Text(content, type));
            }
        }

        // Soft 404: both twins answer 200 with a friendly page for any unknown path.
        app.MapFallback((HttpContext ctx) => Html(PortalPages.NotFound(ctx.Request.Path), 200));

        await app.StartAsync().ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/")).ToList();
        return new RunningPortal(app, db, addresses.First(a => a.Scheme == "http"), mode)
        {
            HttpsUrl = addresses.FirstOrDefault(a => a.Scheme == "https"),
            TestRoot = root,
        };
    }

    private static IResult Html(string html, int status = 200) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static string Encode(string s) => Web.Encode(s);

    private static readonly System.Text.Json.JsonSerializerOptions PascalCase = new();
}
