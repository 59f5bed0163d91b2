using System.Diagnostics;
using MedGuard.Detection.Apk;
using MedGuard.Detection.Apk.Arsc;
using MedGuard.Detection.Apk.Axml;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;
using MedGuard.Detection.Apk.Zip;

// Mutational fuzzing of the DEX, AXML, ARSC and ZIP readers with seeds from the real test APKs. A "crash" is any
// exception other than the readers' own clear error (ApkFormatException): an out-of-range read, a null dereference,
// an overflow. Crashing and slow inputs are saved for replay (dotnet run -- --replay FILE TARGET).
var minutes = args.Length > 0 && double.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out var m) ? m : 1;
var apkDir = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "../../../../../../../shared/testdata/apk");
var outDir = args.Length > 2 ? args[2] : "artifacts/fuzz";
Directory.CreateDirectory(outDir);

if (args.Length > 0 && args[0] == "--replay")
{
    try
    {
        Fuzzer.Run(args[2], File.ReadAllBytes(args[1]));
        Console.WriteLine("接受：无错误");
    }
    catch (ApkFormatException ex)
    {
        Console.WriteLine($"明确拒绝：{ex.Message}");
    }

    return 0;
}

var seeds = new List<(string Target, byte[] Data)>();
foreach (var apk in Directory.GetFiles(apkDir, "*.apk").Order())
{
    var zip = ZipArchiveReader.Open(apk);
    seeds.Add(("axml", zip.Read(zip.Find("AndroidManifest.xml")!)));
    if (new FileInfo(apk).Length < 100_000)
    {
        seeds.Add(("dex", zip.Read(zip.Find("classes.dex")!)));
        seeds.Add(("arsc", zip.Read(zip.Find("resources.arsc")!)));
        seeds.Add(("apk", File.ReadAllBytes(apk)));
    }
}

Console.WriteLine($"种子 {seeds.Count} 个（{string.Join(", ", seeds.GroupBy(s => s.Target).Select(g => $"{g.Key}×{g.Count()}"))}），运行 {minutes} 分钟");
var random = new Random(20261125);
var stopwatch = Stopwatch.StartNew();
var deadline = TimeSpan.FromMinutes(minutes);
var stats = seeds.Select(s => s.Target).Distinct().ToDictionary(t => t, _ => (Execs: 0L, Rejected: 0L, Accepted: 0L));
var crashes = new Dictionary<string, int>();
var slowest = TimeSpan.Zero;
long peak = 0;
// Watchdog: an input that runs longer than 20 s is a hang; it is saved and the run stops.
var current = (Target: "", Input: Array.Empty<byte>(), Start: TimeSpan.Zero);
var watchdog = new Thread(() =>
{
    while (true)
    {
        Thread.Sleep(1000);
        var snapshot = current;
        if (snapshot.Input.Length > 0 && stopwatch.Elapsed - snapshot.Start > TimeSpan.FromSeconds(20))
        {
            var file = Path.Combine(outDir, $"hang-{snapshot.Target}.bin");
            File.WriteAllBytes(file, snapshot.Input);
            Console.WriteLine($"挂起：{snapshot.Target} 输入超过 20 秒未结束，已保存 {file}");
            Environment.Exit(2);
        }
    }
})
{ IsBackground = true };
watchdog.Start();
while (stopwatch.Elapsed < deadline)
{
    var (target, seed) = seeds[random.Next(seeds.Count)];
    var input = Mutator.Mutate(seed, random);
    var t0 = stopwatch.Elapsed;
    current = (target, input, t0);
    try
    {
        Fuzzer.Run(target, input);
        stats[target] = stats[target] with { Execs = stats[target].Execs + 1, Accepted = stats[target].Accepted + 1 };
    }
    catch (ApkFormatException)
    {
        stats[target] = stats[target] with { Execs = stats[target].Execs + 1, Rejected = stats[target].Rejected + 1 };
    }
    catch (Exception ex)
    {
        stats[target] = stats[target] with { Execs = stats[target].Execs + 1 };
        var key = $"{target}:{ex.GetType().Name}:{ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";
        if (!crashes.TryGetValue(key, out var n))
        {
            var file = Path.Combine(outDir, $"crash-{target}-{crashes.Count}.bin");
            File.WriteAllBytes(file, input);
            Console.WriteLine($"崩溃 {key}\n  {ex.Message}\n  已保存 {file}");
        }

        crashes[key] = n + 1;
    }

    var took = stopwatch.Elapsed - t0;
    if (took > slowest)
    {
        slowest = took;
        if (took > TimeSpan.FromSeconds(2))
        {
            File.WriteAllBytes(Path.Combine(outDir, $"slow-{target}.bin"), input);
        }
    }

    if ((stats.Values.Sum(s => s.Execs) & 1023) == 0)
    {
        peak = Math.Max(peak, Environment.WorkingSet);
    }
}

peak = Math.Max(peak, Environment.WorkingSet);
Console.WriteLine($"用时 {stopwatch.Elapsed.TotalSeconds:F0} 秒，共执行 {stats.Values.Sum(s => s.Execs)} 次，最慢一次 {slowest.TotalMilliseconds:F0} ms，峰值内存 {peak / (1 << 20)} MB");
foreach (var (target, s) in stats)
{
    Console.WriteLine($"  {target}: {s.Execs} 次（接受 {s.Accepted}，明确拒绝 {s.Rejected}）");
}

Console.WriteLine(crashes.Count == 0 ? "未发现崩溃" : $"发现 {crashes.Count} 类崩溃（共 {crashes.Values.Sum()} 次）");
return crashes.Count == 0 ? 0 : 1;

internal static class Fuzzer
{
    public static void Run(string target, byte[] input)
    {
        switch (target)
        {
            case "axml":
                AndroidManifest.From(AxmlReader.Read(input));
                break;
            case "arsc":
                var table = ResourceTable.Read(input);
                table.ResolveString(0x7f010000);
                break;
            case "dex":
                foreach (var dex in DexFile.ReadAll(input, "classes.dex"))
                {
                    for (var c = 0; c < Math.Min(dex.ClassDefCount, 5000); c++)
                    {
                        var def = dex.GetClassDef(c);
                        foreach (var m in dex.GetMethods(def))
                        {
                            dex.GetMethod(m.MethodIndex);
                            if (dex.GetCode(m.CodeOffset) is { } code)
                            {
                                foreach (var ins in DexInstructionDecoder.DecodeAll(code.Instructions.Span))
                                {
                                    switch (ins.IndexKind)
                                    {
                                        case DexIndexKind.Method: dex.GetMethod(ins.Index); break;
                                        case DexIndexKind.Field: dex.GetField(ins.Index); break;
                                        case DexIndexKind.String: dex.GetString(ins.Index); break;
                                        case DexIndexKind.Type: dex.GetType(ins.Index); break;
                                    }
                                }
                            }
                        }
                    }
                }

                break;
            case "apk":
                new ApkAnalyzer().Analyze(input, "fuzz.apk");
                break;
        }
    }
}

internal static class Mutator
{
    private static readonly uint[] Interesting = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    public static byte[] Mutate(byte[] seed, Random random)
    {
        var data = seed.ToArray();
        var rounds = 1 + random.Next(8);
        for (var r = 0; r < rounds && data.Length > 8; r++)
        {
            var at = random.Next(data.Length);
            switch (random.Next(7))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    {
                        // Offsets and sizes are 4-byte aligned little-endian fields in all three formats.
                        var aligned = at & ~3;
                        if (aligned + 4 <= data.Length)
                        {
                            BitConverter.GetBytes(Interesting[random.Next(Interesting.Length)]).CopyTo(data, aligned);
                        }

                        break;
                    }

                case 3:
                    {
                        var aligned = at & ~3;
                        if (aligned + 4 <= data.Length)
                        {
                            var v = BitConverter.ToUInt32(data, aligned);
                            BitConverter.GetBytes(v + (uint)random.Next(-64, 65)).CopyTo(data, aligned);
                        }

                        break;
                    }

                case 4:
                    data = data[..Math.Max(8, at)];
                    break;
                case 5:
                    {
                        var length = Math.Min(random.Next(1, 64), data.Length - at);
                        var to = random.Next(data.Length - length + 1);
                        Array.Copy(data, at, data, to, length);
                        break;
                    }

                default:
                    {
                        var header = Math.Min(data.Length, 0x70);
                        var p = random.Next(header) & ~3;
                        if (p + 4 <= data.Length)
                        {
                            BitConverter.GetBytes((uint)random.Next(data.Length + 64)).CopyTo(data, p);
                        }

                        break;
                    }
            }
        }

        return data;
    }
}
