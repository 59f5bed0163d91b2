using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>The references the rules care about: a method whose code mentions none of them is never decoded in full.</summary>
public sealed record ReferenceFilter(Func<MethodRef, bool> Method, Func<FieldRef, bool> Field, Func<string, bool> Type);
