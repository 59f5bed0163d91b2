using System.Text;
using MedGuard.Server.Hosting;

Console.OutputEncoding = Encoding.UTF8;
var app = MedGuardServer.Build(args);
MedGuard.Server.Demo.DemoCredentials? credentials;
try
{
    credentials = await MedGuardServer.PrepareAsync(app);
}
catch (MedGuard.Storage.Auditing.AuditKeyMissingException ex)
{
    Console.Error.WriteLine(ex.Message); // said once, in Chinese, without a stack trace
    return 1;
}

await app.StartAsync();
Console.WriteLine();
Console.WriteLine($"医盾 MedGuard 平台已启动：{string.Join(", ", app.Urls)}");
if (credentials is not null)
{
    Console.WriteLine(credentials.Describe());
}
else
{
    Console.WriteLine("数据库已有数据；演示账号（若有）见 data/demo-credentials.txt。按 Ctrl+C 停止。");
}

await app.WaitForShutdownAsync();
return 0;
