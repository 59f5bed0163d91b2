namespace MedGuard.TestTargets.Sites;

/// <summary>
/// Debian's nginx with <c>autoindex on</c> for /files/ (vulnerable) or off (fixed, 403), started with its own
/// configuration in a temporary directory as a child process on 127.0.0.1. Its request log is nginx's access log.
/// </summary>
public sealed class NginxListingSite : ITestSite
{
    private const string Nginx = "/usr/sbin/nginx";

    public string Name => "listing-nginx";

    public string Description => "真实 nginx（Debian）：/files/ 开启 autoindex 目录浏览；修复版关闭 autoindex（403）";

    public string? MissingPrerequisite() => File.Exists(Nginx) || ChildServer.OnPath("nginx") ? null : "需要 nginx（apt-get install nginx-light）";

    public async Task<RunningSite> StartAsync(SiteTwin twin, SiteStartOptions options, CancellationToken cancellationToken = default)
    {
        var dir = InProcessSite.TempDirectory(Name);
        var www = Path.Combine(dir, "www");
        Directory.CreateDirectory(Path.Combine(www, "files"));
        Directory.CreateDirectory(Path.Combine(dir, "tmp"));
        await File.WriteAllTextAsync(Path.Combine(www, "index.html"),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>院内资料</title></head><body><h1>院内资料</h1><a href=\"/files/\">资料下载</a></body></html>",
            cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(www, "files", "排班表-2026-12.txt"), "内科 张医生 周一\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(www, "files", "notice.txt"), "院内通知\n", cancellationToken);
        var port = options.Port != 0 ? options.Port : ChildServer.FreePort();
        var tmp = Path.Combine(dir, "tmp");
        var access = options.RequestLog is { } log ? $"log_format mg '$request_method $request_uri';\n  access_log {log} mg;" : "access_log off;";
        var conf = $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log;
            events { worker_connections 64; }
            http {
              {{access}}
              client_body_temp_path {{tmp}}/body;
              proxy_temp_path {{tmp}}/proxy;
              fastcgi_temp_path {{tmp}}/fastcgi;
              uwsgi_temp_path {{tmp}}/uwsgi;
              scgi_temp_path {{tmp}}/scgi;
              server_tokens off;
              types { text/html html; text/plain txt; }
              default_type application/octet-stream;
              charset utf-8;
              server {
                listen 127.0.0.1:{{port}};
                root {{www}};
                index index.html;
                location /files/ { autoindex {{(twin == SiteTwin.Vulnerable ? "on" : "off")}}; }
              }
            }
            """;
        var confFile = Path.Combine(dir, "nginx.conf");
        await File.WriteAllTextAsync(confFile, conf, cancellationToken);
        var program = File.Exists(Nginx) ? Nginx : "nginx";
        var stop = await ChildServer.StartAsync(program, ["-p", dir, "-c", confFile, "-e", Path.Combine(dir, "error.log")], dir, port,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new RunningSite(Name, twin, new Uri($"http://127.0.0.1:{port}/"), async () =>
        {
            await stop().ConfigureAwait(false);
            Directory.Delete(dir, recursive: true);
        });
    }
}
