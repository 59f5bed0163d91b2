using MedGuard.Detection.Apk.Arsc;
using MedGuard.Detection.Apk.Axml;
using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Model;

namespace MedGuard.Detection.Apk.Tests;

/// <summary>Inputs the fuzzer (bench/apk/fuzz) found to crash or hang the readers; each must now be read or refused
/// with the readers' own clear error, quickly.</summary>
public class FuzzRegressionTests
{
    [Theory]
    [InlineData("hang-axml-resource-map.bin")]
    [InlineData("crash-axml-resource-map.bin")]
    [InlineData("crash-arsc-type-header.bin")]
    [InlineData("hang-apk-proto-without-semicolon.bin")]
    [InlineData("crash-axml-utf8-length.bin")]
    [InlineData("crash-dex-negative-count.bin")]
    public void Fuzzer_found_input_is_read_or_refused_clearly(string file)
    {
        var data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz", file));
        var started = DateTime.UtcNow;
        try
        {
            if (file.Contains("dex", StringComparison.Ordinal))
            {
                foreach (var dex in DexFile.ReadAll(data, "classes.dex"))
                {
                    for (var c = 0; c < dex.ClassDefCount; c++)
                    {
                        foreach (var m in dex.GetMethods(dex.GetClassDef(c)))
                        {
                            if (dex.GetCode(m.CodeOffset) is { } code)
                            {
                                DexInstructionDecoder.DecodeAll(code.Instructions.Span);
                            }
                        }
                    }
                }
            }
            else if (file.Contains("apk", StringComparison.Ordinal))
            {
                new ApkAnalyzer().Analyze(data, file);
            }
            else if (file.Contains("arsc", StringComparison.Ordinal))
            {
                ResourceTable.Read(data).ResolveString(0x7f010000);
            }
            else
            {
                AndroidManifest.From(AxmlReader.Read(data));
            }
        }
        catch (ApkFormatException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        }

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_proto_with_a_class_name_missing_its_semicolon_ends()
    {
        // The fuzzer's APK hang: a mutated type name "Lfoo" without ';' sent the parameter walk back to the start.
        Assert.Single(new MethodRef("La;", "m", "(LBroken[I)V").ParameterRegisterWidths()); // the rest is swallowed, but it ends
        Assert.Equal([2, 1], new MethodRef("La;", "m", "(J[[").ParameterRegisterWidths());
    }
}
