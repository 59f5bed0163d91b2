namespace MedGuard.Detection.Apk.Axml;

/// <summary>An element of a binary (or plain, for tests) Android XML document.</summary>
public sealed class AxmlElement(string name, string? namespaceUri)
{
    public string Name { get; } = name;
    public string? NamespaceUri { get; } = namespaceUri;
    public List<AxmlAttribute> Attributes { get; } = [];
    public List<AxmlElement> Children { get; } = [];

    /// <summary>Character data inside the element (e.g. a &lt;domain&gt; name).</summary>
    public string? Text { get; set; }

    /// <summary>Looks an attribute up by its framework resource ID (packers forge names, not IDs); falls back to the
    /// android-namespaced name only when the document carries no ID for it.</summary>
    public AxmlAttribute? Get(uint resourceId, string fallbackName)
    {
        foreach (var a in Attributes)
        {
            if (a.ResourceId == resourceId)
            {
                return a;
            }
        }

        foreach (var a in Attributes)
        {
            if (a.ResourceId == 0 && a.Name == fallbackName && a.NamespaceUri is null or AndroidAttributes.AndroidNamespace)
            {
                return a;
            }
        }

        return null;
    }

    /// <summary>An attribute without the android namespace (e.g. <c>package</c>, network-security-config's).</summary>
    public AxmlAttribute? GetPlain(string name) =>
        Attributes.FirstOrDefault(a => a.Name == name && a.NamespaceUri is null or "");

    public IEnumerable<AxmlElement> ChildrenNamed(string name) => Children.Where(c => c.Name == name);

    public IEnumerable<AxmlElement> Descendants()
    {
        foreach (var child in Children)
        {
            yield return child;
            foreach (var d in child.Descendants())
            {
                yield return d;
            }
        }
    }
}
