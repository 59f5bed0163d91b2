namespace MedGuard.Detection.Apk.Dex;

/// <summary>A method reference as smali writes it: <c>Lcom/x/Foo;->bar(I)V</c>.</summary>
public sealed record MethodRef(string Class, string Name, string Proto)
{
    public override string ToString() => $"{Class}->{Name}{Proto}";

    /// <summary>Parses <c>Lcom/x/Foo;->bar(I)V</c>.</summary>
    public static MethodRef Parse(string text)
    {
        var arrow = text.IndexOf("->", StringComparison.Ordinal);
        var paren = text.IndexOf('(', Math.Max(arrow, 0));
        if (arrow <= 0 || paren < 0)
        {
            throw new FormatException($"方法引用格式错误：'{text}'（应为 Lcom/x/Foo;->bar(I)V）");
        }

        return new MethodRef(text[..arrow], text[(arrow + 2)..paren], text[paren..]);
    }

    /// <summary>Number of parameter registers the proto takes (wide types take two), receiver excluded.</summary>
    public IReadOnlyList<int> ParameterRegisterWidths()
    {
        var widths = new List<int>();
        var i = 1;
        // A hostile dex can hold any bytes in a type name: every step must move forward and stay in bounds.
        while (i < Proto.Length && Proto[i] != ')')
        {
            var c = Proto[i];
            widths.Add(c is 'J' or 'D' ? 2 : 1);
            while (i < Proto.Length && Proto[i] == '[')
            {
                i++;
            }

            if (i < Proto.Length && Proto[i] == 'L')
            {
                var end = Proto.IndexOf(';', i);
                i = end < 0 ? Proto.Length : end;
            }

            i++;
        }

        return widths;
    }
}

/// <summary>A field reference: <c>Lcom/x/Foo;->bar:I</c>.</summary>
public sealed record FieldRef(string Class, string Name, string Type)
{
    public override string ToString() => $"{Class}->{Name}:{Type}";
}
