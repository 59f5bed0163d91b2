using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>A method's code read from a DEX file.</summary>
internal sealed class DexMethodCode(DexFile dex, DexCode code) : IMethodCode
{
    public IReadOnlyList<DexInstruction> Instructions { get; } = DexInstructionDecoder.DecodeAll(code.Instructions.Span);
    public IReadOnlyList<DexTryBlock> Tries => code.Tries;
    public int FirstParameterRegister => code.RegisterCount - code.InCount;
    public MethodRef ResolveMethod(uint index) => dex.GetMethod(index);
    public FieldRef ResolveField(uint index) => dex.GetField(index);
    public string ResolveString(uint index) => dex.GetString(index);
    public string ResolveType(uint index) => dex.GetType(index);
    public byte[]? ArrayData(int address) => DexInstructionDecoder.ReadFillArrayBytes(code.Instructions.Span, address);
}
