using System.Diagnostics.CodeAnalysis;

namespace MedGuard.Domain.Detection;

/// <summary>
/// One read's shared texts: a run of 100,000 findings repeats a dozen texts (rule, title, remediation, references,
/// evidence keys, host) in every finding, and each read from JSON is a new string; sharing them keeps one copy each.
/// Lives for one read only, so nothing outlives the run.
/// </summary>
internal sealed class TextPool
{
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _lists = new(StringComparer.Ordinal);

    // The same texts looked up by characters on the stack, before any string is made.
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    public TextPool() => _byChars = _texts.GetAlternateLookup<ReadOnlySpan<char>>();

    [return: NotNullIfNotNull(nameof(text))]
    public string? Text(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (_texts.TryGetValue(text, out var shared))
        {
            return shared;
        }

        _texts.Add(text, text);
        return text;
    }

    /// <summary>The pooled string equal to <paramref name="chars"/>; a string is made only the first time a text is seen.</summary>
    public string Text(ReadOnlySpan<char> chars)
    {
        if (_byChars.TryGetValue(chars, out var shared))
        {
            return shared;
        }

        var text = chars.ToString();
        _texts.Add(text, text);
        return text;
    }

    /// <summary>The same list of texts (references, locations) shared as one read-only array.</summary>
    public IReadOnlyList<string> Texts(List<string> texts)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        // A key only finds the candidate; the texts themselves decide (a text may itself hold the separator).
        var key = texts.Count == 1 ? texts[0] : string.Join('\u001f', texts);
        if (_lists.TryGetValue(key, out var shared) && shared.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(texts)))
        {
            return shared;
        }

        var list = new string[texts.Count];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = Text(texts[i])!;
        }

        _lists[key] = list;
        return list;
    }
}
