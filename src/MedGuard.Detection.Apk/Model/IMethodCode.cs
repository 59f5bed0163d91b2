using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>A method's decoded instructions with their references resolved; from a DEX or from a rule example.</summary>
public interface IMethodCode
{
    IReadOnlyList<DexInstruction> Instructions { get; }
    IReadOnlyList<DexTryBlock> Tries { get; }

    /// <summary>Register holding the first parameter (p0): registers_size − ins_size in a dex.</summary>
    int FirstParameterRegister { get; }
    MethodRef ResolveMethod(uint index);
    FieldRef ResolveField(uint index);
    string ResolveString(uint index);
    string ResolveType(uint index);

    /// <summary>Bytes of the fill-array-data payload at <paramref name="address"/>, when it holds bytes.</summary>
    byte[]? ArrayData(int address);
}
