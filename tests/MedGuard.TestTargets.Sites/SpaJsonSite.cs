using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace MedGuard.TestTargets.Sites;

/// <summary>
/// A single-page application: an empty <c>&lt;div id="app"&gt;</c>, a hash router in <c>/app.js</c>, and a JSON API the
/// pages call with nested JSON bodies. The vulnerable twin glues <c>user.name</c> / <c>user.password</c> of the JSON
/// login into SQL (login bypass) and <c>filter.ward</c> of the patient query (boolean injection; errors are answered
/// 500 without detail). The fixed twin binds parameters. In-process Kestrel on a real SQLite file.
/// </summary>
public sealed class SpaJsonSite : ITestSite
{
    private const string Index = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>互联网医院</title></head>
        <body><div id="app"></div><script src="/app.js"></script></body></html>
        """;

    private const string App = """
        (function () {
          var app = document.getElementById('app');
          function nav() {
            return '<nav><a href="#/">首页</a> | <a href="#/login">登录</a> | <a href="#/patients">住院患者</a></nav>';
          }
          function post(url, body) {
            return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
              .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); });
          }
          var routes = {
            '/': function () { app.innerHTML = nav() + '<h1>互联网医院</h1><p>欢迎使用。</p>'; },
            '/login': function () {
              app.innerHTML = nav() + '<h1>登录</h1><form id="login"><input name="name" type="text"><input name="password" type="password"><button type="submit">登录</button></form><p id="msg"></p>';
              document.getElementById('login').addEventListener('submit', function (e) {
                e.preventDefault();
                var f = e.target;
                post('/api/auth/login', { user: { name: f.name.value, password: f.password.value }, remember: false })
                  .then(function (r) { document.getElementById('msg').textContent = r.ok ? '已登录' : r.body.error; });
              });
            },
            '/patients': function () {
              app.innerHTML = nav() + '<h1>住院患者</h1><table id="list"></table>';
              post('/api/patients/query', { filter: { ward: 'A' }, paging: { page: 1, size: 10 } }).then(function (r) {
                document.getElementById('list').innerHTML = (r.body.items || []).map(function (p) {
                  return '<tr><td>' + p.bed + '</td></tr>';
                }).join('');
              });
            },
          };
          function render() {
            var route = location.hash.replace(/^#/, '') || '/';
            (routes[route] || routes['/'])();
          }
          window.addEventListener('hashchange', render);
          render();
        })();
        """;

    public string Name => "spa-json";

    public string Description => "单页应用（hash 路由）+ JSON 接口：嵌套 JSON 登录的 SQL 注入登录绕过、嵌套 JSON 查询的布尔型 SQL 注入";

    public Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default) =>
        KestrelSite.StartAsync(Name, twin, options, (app, db) =>
        {
            var fixedTwin = twin == SiteTwin.Fixed;
            KestrelSite.Seed(db, """
                CREATE TABLE users (name TEXT, password TEXT);
                INSERT INTO users VALUES ('doctor', 'Ward-A-2024!');
                CREATE TABLE patients (ward TEXT, bed TEXT);
                INSERT INTO patients VALUES ('A', 'A-01'), ('A', 'A-02'), ('B', 'B-01');
                """);
            app.MapGet("/", () => Results.Content(Index, "text/html; charset=utf-8"));
            app.MapGet("/app.js", () => Results.Content(App, "application/javascript"));
            app.MapPost("/api/auth/login", async (HttpRequest request) =>
            {
                var body = await ReadJsonAsync(request).ConfigureAwait(false);
                var name = body?["user"]?["name"]?.ToString();
                var password = body?["user"]?["password"]?.ToString();
                if (name is null || password is null)
                {
                    return Results.Json(new { error = "请求格式错误" }, statusCode: 400);
                }

                using var c = new SqliteConnection(db);
                c.Open();
                using var cmd = c.CreateCommand();
                if (fixedTwin)
                {
                    cmd.CommandText = "SELECT name FROM users WHERE name = $n AND password = $p";
                    cmd.Parameters.AddWithValue("$n", name);
                    cmd.Parameters.AddWithValue("$p", password);
                }
                else
                {
                    cmd.CommandText = $"SELECT name FROM users WHERE name = '{name}' AND password = '{password}'";
                }

                try
                {
                    return cmd.ExecuteScalar() is string user
                        ? Results.Json(new { token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), user })
                        : Results.Json(new { error = "用户名或密码错误" }, statusCode: 401);
                }
                catch (SqliteException)
                {
                    return Results.Json(new { error = "服务器内部错误" }, statusCode: 500);
                }
            });
            app.MapPost("/api/patients/query", async (HttpRequest request) =>
            {
                var body = await ReadJsonAsync(request).ConfigureAwait(false);
                var ward = body?["filter"]?["ward"]?.ToString();
                if (ward is null)
                {
                    return Results.Json(new { error = "请求格式错误" }, statusCode: 400);
                }

                using var c = new SqliteConnection(db);
                c.Open();
                using var cmd = c.CreateCommand();
                if (fixedTwin)
                {
                    cmd.CommandText = "SELECT bed FROM patients WHERE ward = $w ORDER BY bed";
                    cmd.Parameters.AddWithValue("$w", ward);
                }
                else
                {
                    cmd.CommandText = $"SELECT bed FROM patients WHERE ward = '{ward}' ORDER BY bed";
                }

                try
                {
                    var items = new List<object>();
                    using var reader = cmd.ExecuteReader();
                    while (reader.Read())
                    {
                        items.Add(new { bed = reader.GetString(0) });
                    }

                    return Results.Json(new { items, total = items.Count });
                }
                catch (SqliteException)
                {
                    return Results.Json(new { error = "查询失败" }, statusCode: 500);
                }
            });
        }, cancellationToken);

    private static async Task<JsonNode?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
