namespace MedGuard.Detection.Apk.Dex;

/// <summary>Dalvik instruction formats (the "ID" column of the bytecode spec).</summary>
public enum DexFormat : byte
{
    F10x, F12x, F11n, F11x, F10t, F20t, F22x, F21t, F21s, F21h, F21c, F23x, F22b, F22t, F22s, F22c,
    F32x, F30t, F31t, F31i, F31c, F35c, F3rc, F45cc, F4rcc, F51l,
}

/// <summary>What an instruction's index operand refers to.</summary>
public enum DexIndexKind : byte
{
    None, String, Type, Field, Method, Proto, CallSite, MethodHandle,
}
