using MedGuard.Detection.Apk.Dex;

namespace MedGuard.Detection.Apk.Model;

/// <summary>The references the rules care about: a method whose code mentions none of them is never decoded in full.</summary>
public sealed record ReferenceFilter(Func<MethodRef, bool> Method, Func<FieldRef, bool> Field, Func<string, bool> Type)
{
    /// <summary>Cheap pre-check on a method's name alone, before its class and proto are resolved.</summary>
    public Func<string, bool> MethodName { get; init; } = _ => true;

    /// <summary>
    /// Cheap pre-check on a method's class alone (descriptor), asked once per class: false when no call pattern's
    /// class can be it or one of its parents, so the method reference need not be built.
    /// </summary>
    public Func<string, bool>? MethodClass { get; init; }

    /// <summary>Cheap pre-check on a field's name alone.</summary>
    public Func<string, bool> FieldName { get; init; } = _ => true;

    /// <summary>
    /// When set, every method name <see cref="MethodName"/> accepts starts with one of these (a rule's name up to its
    /// first <c>*</c>): a DEX index then looks the names up in its sorted string table instead of testing every name.
    /// </summary>
    public IReadOnlyCollection<string>? MethodNamePrefixes { get; init; }

    /// <summary>When set, the only field names <see cref="FieldName"/> accepts.</summary>
    public IReadOnlyCollection<string>? FieldNames { get; init; }

    /// <summary>String constants the rules look for: their literal starts and the full test. A method that loads one
    /// (const-string) references a target.</summary>
    public IReadOnlyCollection<string> StringPrefixes { get; init; } = [];

    public Func<string, bool> String { get; init; } = _ => false;

    /// <summary>When set, the only type descriptors <see cref="Type"/> accepts.</summary>
    public IReadOnlyCollection<string>? Types { get; init; }
}
