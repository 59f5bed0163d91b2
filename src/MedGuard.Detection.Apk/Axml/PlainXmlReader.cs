using System.Xml;
using System.Xml.Linq;

namespace MedGuard.Detection.Apk.Axml;

/// <summary>
/// Builds the same element tree as <see cref="AxmlReader"/> from a plain-text manifest (rule examples), giving
/// android: attributes their framework IDs and typing booleans and integers the way aapt does.
/// </summary>
public static class PlainXmlReader
{
    public static AxmlElement Read(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException ex)
        {
            throw new ApkFormatException($"XML 格式错误：{ex.Message}", ex);
        }

        return Convert(document.Root!);
    }

    private static AxmlElement Convert(XElement x)
    {
        var element = new AxmlElement(x.Name.LocalName, x.Name.NamespaceName.Length == 0 ? null : x.Name.NamespaceName);
        foreach (var a in x.Attributes().Where(a => !a.IsNamespaceDeclaration))
        {
            var ns = a.Name.NamespaceName.Length == 0 ? null : a.Name.NamespaceName;
            var id = ns == AndroidAttributes.AndroidNamespace && AndroidAttributes.ByName.TryGetValue(a.Name.LocalName, out var rid) ? rid : 0;
            var (type, data, raw) = a.Value switch
            {
                "true" => (ResourceValueType.IntBoolean, 0xFFFFFFFFu, (string?)null),
                "false" => (ResourceValueType.IntBoolean, 0u, (string?)null),
                _ when int.TryParse(a.Value, out var n) => (ResourceValueType.IntDec, (uint)n, (string?)null),
                _ => (ResourceValueType.String, 0u, a.Value),
            };
            if (a.Name.LocalName == "protectionLevel" && raw is not null)
            {
                (type, data, raw) = (ResourceValueType.IntHex, raw switch { "dangerous" => 1u, "signature" => 2u, "signatureOrSystem" => 3u, _ => 0u }, null);
            }

            element.Attributes.Add(new AxmlAttribute(a.Name.LocalName, ns, id, raw, type, data));
        }

        foreach (var child in x.Elements())
        {
            element.Children.Add(Convert(child));
        }

        if (!x.HasElements && x.Value.Length > 0)
        {
            element.Text = x.Value.Trim();
        }

        return element;
    }
}
