using MedGuard.Detection.Apk.Dex;
using MedGuard.Detection.Apk.Zip;

namespace MedGuard.Detection.Apk.Tests;

public class DexReaderTests
{
    [Fact]
    public void Opcode_table_covers_all_256_opcodes_with_the_spec_formats()
    {
        Assert.Equal(256, DexOpcodes.All.Count);
        Assert.Equal(("invoke-virtual", DexFormat.F35c, 3), (DexOpcodes.Get(0x6e).Name, DexOpcodes.Get(0x6e).Format, DexOpcodes.Get(0x6e).Units));
        Assert.Equal(("const-wide", DexFormat.F51l, 5), (DexOpcodes.Get(0x18).Name, DexOpcodes.Get(0x18).Format, DexOpcodes.Get(0x18).Units));
        Assert.Equal(("invoke-polymorphic", DexFormat.F45cc, 4), (DexOpcodes.Get(0xfa).Name, DexOpcodes.Get(0xfa).Format, DexOpcodes.Get(0xfa).Units));
        Assert.Equal(("const-string/jumbo", DexFormat.F31c), (DexOpcodes.Get(0x1b).Name, DexOpcodes.Get(0x1b).Format));
        Assert.Equal("rsub-int/lit8", DexOpcodes.Get(0xd9).Name);
        Assert.Equal("ushr-int/lit8", DexOpcodes.Get(0xe2).Name);
        Assert.Equal(DexIndexKind.Field, DexOpcodes.Get(0x60).IndexKind);
    }

    [Fact]
    public void Decodes_literals_and_registers_of_each_format()
    {
        // const/4 v1, -1 ; const/high16 v2, 0x7f000000 ; invoke-static {v0, v1, v2}, method@5 ; const-wide v4, 0x1122334455667788
        byte[] code =
        [
            0x12, 0xF1,
            0x15, 0x02, 0x00, 0x7F,
            0x71, 0x30, 0x05, 0x00, 0x10, 0x02,
            0x18, 0x04, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
        ];
        var ins = DexInstructionDecoder.DecodeAll(code);
        Assert.Equal(4, ins.Count);
        Assert.Equal((1, -1L), (ins[0].A, ins[0].Literal));
        Assert.Equal(0x7f000000L, ins[1].Literal);
        Assert.Equal((5u, 3, 0, 1, 2), (ins[2].Index, ins[2].ArgumentCount, ins[2].GetArgument(0), ins[2].GetArgument(1), ins[2].GetArgument(2)));
        Assert.Equal(0x1122334455667788L, ins[3].Literal);
        Assert.Equal(6, ins[3].Address);
    }

    [Fact]
    public void Payloads_are_skipped_by_their_declared_size()
    {
        // nop-aligned: return-void; packed-switch-payload(size 2); sparse-switch-payload(size 1); fill-array-data-payload(width 1, 3 bytes); return-void
        byte[] code =
        [
            0x0e, 0x00,
            0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
            0x00, 0x02, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
            0x00, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0xAA, 0xBB, 0xCC, 0x00,
            0x0e, 0x00,
        ];
        var ins = DexInstructionDecoder.DecodeAll(code);
        Assert.Equal(2, ins.Count);
        Assert.All(ins, i => Assert.Equal(0x0e, i.Opcode));
        Assert.Equal([0xAA, 0xBB, 0xCC], DexInstructionDecoder.ReadFillArrayBytes(code, 15));
    }

    [Theory]
    [InlineData("diva-beta.apk")]
    [InlineData("InsecureBankv2.apk")]
    [InlineData("AndroGoat.apk")]
    [InlineData("UnCrackable-Level1.apk")]
    [InlineData("HelloWorld-JNI.apk")]
    [InlineData("drozer-agent.apk")]
    public void Every_method_of_every_real_dex_decodes_completely(string apk)
    {
        var zip = ZipArchiveReader.Open(TestApks.PathOf(apk));
        var dex = Assert.Single(DexFile.ReadAll(zip.Read(zip.Find("classes.dex")!), "classes.dex"));
        Assert.InRange(dex.Version, 35, 41);
        long instructions = 0, methods = 0;
        for (var c = 0; c < dex.ClassDefCount; c++)
        {
            var def = dex.GetClassDef(c);
            foreach (var m in dex.GetMethods(def))
            {
                if (dex.GetCode(m.CodeOffset) is not { } code)
                {
                    continue;
                }

                methods++;
                var decoded = DexInstructionDecoder.DecodeAll(code.Instructions.Span);
                instructions += decoded.Count;
                foreach (var i in decoded)
                {
                    // Every reference resolves inside the tables.
                    switch (i.IndexKind)
                    {
                        case DexIndexKind.Method: Assert.NotNull(dex.GetMethod(i.Index)); break;
                        case DexIndexKind.Field: Assert.NotNull(dex.GetField(i.Index)); break;
                        case DexIndexKind.String: Assert.NotNull(dex.GetString(i.Index)); break;
                        case DexIndexKind.Type: Assert.StartsWith("", dex.GetType(i.Index)); break;
                    }
                }
            }
        }

        Assert.True(methods > 10 && instructions > methods, $"{apk}: {methods} methods, {instructions} instructions");
    }

    [Fact]
    public void Sorted_tables_answer_fastref_lookups()
    {
        var zip = ZipArchiveReader.Open(TestApks.PathOf("InsecureBankv2.apk"));
        var dex = DexFile.ReadAll(zip.Read(zip.Find("classes.dex")!), "classes.dex")[0];
        var s = dex.FindString("sendBroadcast");
        Assert.True(s >= 0);
        Assert.Equal("sendBroadcast", dex.GetString((uint)s));
        Assert.True(dex.FindType("Lcom/android/insecurebankv2/CryptoClass;") >= 0);
        Assert.Equal(-1, dex.FindString("certainly-not-in-this-dex-\u2603"));
    }
}
