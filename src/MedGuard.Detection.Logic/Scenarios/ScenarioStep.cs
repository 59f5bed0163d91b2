using MedGuard.Detection.Logic.Yaml;

namespace MedGuard.Detection.Logic.Scenarios;

/// <summary>What a step needs its response to be: accepted by the service (成功), refused, or either.</summary>
public enum StepExpectation
{
    Success,
    Denied,
    Any,
}

/// <summary>
/// One request (or a repeated burst of it) in a scenario: who sends it (<see cref="As"/>: an identity name or
/// <c>anonymous</c>), which operation of the profile or which raw request, the variables it takes, what it extracts,
/// and — for probe and proof steps — what proves the risk.
/// </summary>
public sealed record ScenarioStep
{
    public string? Name { get; init; }

    public required string As { get; init; }

    /// <summary>An operation of the profile (book, cancel, orderDetail…).</summary>
    public string? Call { get; init; }

    /// <summary>A named list of steps of the profile (pickSchedule…), run as this identity.</summary>
    public string? Flow { get; init; }

    /// <summary>A raw request when no operation fits: method and path with <c>{{vars}}</c>.</summary>
    public RequestTemplate? Request { get; init; }

    /// <summary>Variables set for this step only (the operation's template reads them).</summary>
    public IReadOnlyList<KeyValuePair<string, YamlNode>> With { get; init; } = [];

    public IReadOnlyList<Extraction> Extract { get; init; } = [];

    /// <summary>Extractions appended to a list variable (one per repetition), e.g. every order id of a burst.</summary>
    public IReadOnlyList<Extraction> Append { get; init; } = [];

    public StepExpectation Expect { get; init; } = StepExpectation.Success;

    public int Repeat { get; init; } = 1;

    /// <summary>A list variable: the step runs once per element, as <c>{{$item}}</c>.</summary>
    public string? ForEach { get; init; }

    /// <summary>Proof steps: the condition on the read that proves the state changed as the attack wanted.</summary>
    public Condition? Check { get; init; }

    /// <summary>Probe steps: when the exchange shows the risk (default: the service accepted it).</summary>
    public IReadOnlyList<Condition> VulnerableIf { get; init; } = [];

    public required string Source { get; init; }

    public int Line { get; init; }

    public string Describe() => Name ?? Call ?? Flow ?? Request?.Line ?? "步骤";
}

/// <summary>
/// A variable taken from a response: a JSON path (the first match), <c>all:</c> and a path (every match, as a list),
/// or <c>regex:</c> with one group (HTML pages, headers).
/// </summary>
public sealed record Extraction(string Variable, string Expression)
{
    public bool IsRegex => Expression.StartsWith("regex:", StringComparison.Ordinal);

    public bool IsAll => Expression.StartsWith("all:", StringComparison.Ordinal);

    public string Path => IsAll ? Expression["all:".Length..] : Expression;
}

/// <summary>
/// A condition on one exchange: the envelope accepted or denied it, a JSON path or variable equals/differs/matches,
/// the body or a header matches a pattern, the status is one of a list. All parts given must hold.
/// </summary>
public sealed record Condition
{
    public bool? Accepted { get; init; }

    public string? Path { get; init; }

    public string? Var { get; init; }

    public string? EqualTo { get; init; }

    public string? NotEqualTo { get; init; }

    public string? Matches { get; init; }

    /// <summary>The value is after this one: numbers compare as numbers, dates (yyyy-MM-dd) as text.</summary>
    public string? GreaterThan { get; init; }

    public bool? Exists { get; init; }

    public string? BodyMatches { get; init; }

    public string? HeaderName { get; init; }

    public string? HeaderMatches { get; init; }

    public IReadOnlyList<int> Status { get; init; } = [];

    public int Line { get; init; }
}
