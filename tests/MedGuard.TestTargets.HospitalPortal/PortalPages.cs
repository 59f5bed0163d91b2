using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace MedGuard.TestTargets.HospitalPortal;

/// <summary>The portal's HTML, kept plain so the scanner's parser meets what real hospital sites serve.</summary>
internal static class PortalPages
{
    /// <summary>Encodes markup but leaves Chinese readable, as a real Chinese site does.</summary>
    public static readonly HtmlEncoder Web = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Layout(string title, string body) => $"""
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>{Web.Encode(title)} - 某市第一人民医院</title></head>
        <body><div class="nav"><a href="/">首页</a> | <a href="/Search?q=">搜索</a> | <a href="/Account/Login">登录</a> | <a href="/Account/Logout">退出</a></div>
        {body}
        <div class="footer">某市第一人民医院 版权所有</div></body></html>
        """;

    public static string Home() => Layout("首页", """
        <h1>某市第一人民医院</h1>
        <ul>
          <li><a href="/ServiceSelect/GetServiceSelectList">预约服务选择</a></li>
          <li><a href="/News/Detail?id=1">关于调整门诊时间的通知</a></li>
          <li><a href="/News/Detail?id=2">冬季流感防治提示</a></li>
          <li><a href="/Department/Detail?id=cardiology">心血管内科</a></li>
          <li><a href="/Appointment/Query?no=A1001">预约查询</a></li>
          <li><a href="/Tools/Ping?host=127.0.0.1">网络诊断</a></li>
          <li><a href="/Download?file=guide.txt">就诊指南下载</a></li>
          <li><a href="/Go?url=/News/Detail?id=2">健康资讯</a></li>
          <li><a href="/uploads/">资料下载</a></li>
          <li><a href="/Report/Export?year=2019">年度统计报表</a></li>
          <li><a href="/His/PatientList">HIS 患者列表</a></li>
          <li><a href="/app">掌上医院</a></li>
        </ul>
        <form action="/Search" method="get"><input name="q" value=""><button>搜索</button></form>
        """);

    public static string ServiceSelect() => Layout("预约服务选择", """
        <h1>预约服务选择</h1>
        <form id="orgForm" action="/ServiceSelect/GridOrgInfoList" method="post">
          <input type="hidden" name="ProductId" value="DATA10000000000014096911">
          <input type="text" name="OrgName" value="北京宣武医院">
          <button type="submit">查询</button>
        </form>
        """);

    public static string Login(string token, string? error) => Layout("登录", $"""
        <h1>医生工作站登录</h1>{(error is null ? "" : $"<p class=\"error\">{error}</p>")}
        <form action="/Account/Login" method="post">
          <input name="__RequestVerificationToken" type="hidden" value="{token}">
          <input name="UserName" type="text"><input name="Password" type="password">
          <button type="submit">登录</button>
        </form>
        """);

    public static string PatientList(IReadOnlyList<SyntheticPatient> patients, bool masked)
    {
        var rows = new StringBuilder();
        foreach (var p in patients)
        {
            var name = masked ? p.Name[0] + "*" : p.Name;
            var id = masked ? p.ResidentId[..3] + "***********" + p.ResidentId[^4..] : p.ResidentId;
            var card = masked ? p.BankCard[..4] + " **** **** " + p.BankCard[^4..] : p.BankCard;
            var mobile = masked ? p.Mobile[..3] + "****" + p.Mobile[^4..] : p.Mobile;
            rows.Append($"<tr><td>{name}</td><td>{id}</td><td>{card}</td><td>{mobile}</td></tr>\n");
        }

        return Layout("患者列表", $"""
            <h1>HIS 患者列表</h1>
            <table><tr><th>姓名</th><th>身份证号</th><th>银行卡号</th><th>手机号</th></tr>
            {rows}</table>
            """);
    }

    public static string DirectoryListing() => """
        <html><head><title>127.0.0.1 - /uploads/</title></head><body><H1>127.0.0.1 - /uploads/</H1><hr>
        <pre><A HREF="/">[To Parent Directory]</A><br><br> 2018/8/7     9:02        48213 <A HREF="/uploads/%E4%BD%93%E6%A3%80%E6%8A%A5%E5%91%8A.pdf">体检报告.pdf</A><br></pre><hr></body></html>
        """;

    public static string NotFound(string path) => Layout("页面不存在", $"<h1>页面不存在</h1><p>您访问的页面 {Web.Encode(path)} 不存在，请返回首页。</p>");

    public static string SinglePageApp() => """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>掌上医院</title></head>
        <body><div id="app">加载中…</div><script src="/static/app.js"></script></body></html>
        """;

    public const string AppScript = """
        // 掌上医院：就诊卡查询与检验报告
        async function lookup(cardNo) {
          const r = await fetch('/api/patient/lookup', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ cardNo: 'MZ20240001' })
          });
          return r.json();
        }
        async function report() {
          const r = await fetch('/api/reports/1024');
          return r.json();
        }
        lookup().then(x => document.getElementById('app').textContent = JSON.stringify(x));
        """;

    /// <summary>A yellow screen of death in the style of ASP.NET on IIS, with the real stack trace.</summary>
    public static string YellowScreen(Exception ex, string path) => $"""
        <html><head><title>{Web.Encode(ex.Message)}</title></head><body bgcolor="white">
        <span><H1>Server Error in '/' Application.<hr width=100% size=1 color=silver></H1>
        <h2> <i>{Web.Encode(ex.Message)}</i> </h2></span>
        <b> Description: </b>An unhandled exception occurred during the execution of the current web request ({Web.Encode(path)}).<br><br>
        <b> Exception Details: </b>{ex.GetType().FullName}: {Web.Encode(ex.Message)}<br><br>
        <b>Stack Trace:</b><br><br><pre>
        [{ex.GetType().Name}: {Web.Encode(ex.Message)}]
        {string.Join("\n", (ex.StackTrace ?? "").Split('\n').Select(l => Web.Encode(l.TrimEnd())))}
        </pre><hr width=100% size=1 color=silver>
        <b>Version Information:</b>&nbsp;Microsoft .NET Framework Version:4.0.30319; ASP.NET Version:4.0.30319.18408
        </body></html>
        """;

    public static readonly (string Path, string Type, string Content)[] ExposedFiles =
    [
        ("/web.config.bak", "application/octet-stream", """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <connectionStrings>
                <add name="HIS" connectionString="Data Source=10.10.1.20;Initial Catalog=his;User Id=sa;Password=Test-Only-Not-Real" />
              </connectionStrings>
              <system.web><customErrors mode="Off" /></system.web>
            </configuration>
            """),
        ("/.git/HEAD", "text/plain", "ref: refs/heads/master\n"),
        ("/.git/config", "text/plain", "[core]\n\trepositoryformatversion = 0\n\tfilemode = false\n"),
        ("/.env", "text/plain", "APP_ENV=production\nDB_HOST=10.10.1.20\nDB_PASSWORD=Test-Only-Not-Real\n"),
        ("/phpinfo.php", "text/html", "<html><head><title>phpinfo()</title></head><body><h1 class=\"p\">PHP Version 5.4.45</h1></body></html>"),
        ("/iisstart.htm", "text/html", "<!DOCTYPE html><html><head><title>IIS7</title></head><body><img src=\"welcome.png\" alt=\"IIS7\"></body></html>"),
        ("/admin/login.aspx", "text/html; charset=utf-8", "<html><head><title>医院网站后台管理系统</title></head><body><form method=\"post\">管理员登录<input name=\"u\"><input name=\"p\" type=\"password\"></form></body></html>"),
    ];
}
