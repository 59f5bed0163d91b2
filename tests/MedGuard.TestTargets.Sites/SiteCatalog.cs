using System.Diagnostics.CodeAnalysis;

namespace MedGuard.TestTargets.Sites;

/// <summary>Every <see cref="ITestSite"/> in this assembly, by name.</summary>
public static class SiteCatalog
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Test targets are never trimmed.")]
    public static IReadOnlyDictionary<string, ITestSite> All { get; } = typeof(ITestSite).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ITestSite).IsAssignableFrom(t))
        .Select(t => (ITestSite)Activator.CreateInstance(t)!)
        .ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static ITestSite Get(string name) => All.TryGetValue(name, out var site)
        ? site
        : throw new ArgumentException($"unknown site '{name}'; known: {string.Join(", ", All.Keys.Order(StringComparer.Ordinal))}", nameof(name));
}
