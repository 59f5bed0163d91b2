using MedGuard.Detection.Logic.Scenarios;

namespace MedGuard.Detection.Logic.Profiles;

/// <summary>
/// How one hospital's booking service speaks (服务绑定): where each generic operation lives (listDepartments, book,
/// cancel, orderDetail, pay…), what success looks like in its envelope (HTTP 200 with <c>code: "0000"</c> is common,
/// and an error is often 200 too), how a session expires, how a test identity logs in, and named flows (pick a test
/// schedule) the scenarios reuse. Scenarios stay generic; a new hospital needs a new profile only.
/// </summary>
public sealed record ServiceProfile
{
    public required string Name { get; init; }

    public Uri? BaseUrl { get; init; }

    public required Envelope Envelope { get; init; }

    /// <summary>Request header that carries a session token (<c>token</c>, or <c>Authorization</c> with <see cref="BearerScheme"/>).</summary>
    public string TokenHeader { get; init; } = "token";

    public bool BearerScheme { get; init; }

    /// <summary>The login of a test identity; its variables come from the identities file (<c>{{loginCode}}</c>).</summary>
    public Operation? Login { get; init; }

    /// <summary>JSON path of the token in the login response (<c>data.token</c>).</summary>
    public string? LoginTokenPath { get; init; }

    /// <summary>JSON path that lists the test departments' ids in the listDepartments response (测试科室).</summary>
    public string? TestDepartments { get; init; }

    /// <summary>Variables every scenario starts with (the tester's captcha ticket…).</summary>
    public IReadOnlyList<KeyValuePair<string, Yaml.YamlNode>> Vars { get; init; } = [];

    public required IReadOnlyDictionary<string, Operation> Operations { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<ScenarioStep>> Flows { get; init; } = new Dictionary<string, IReadOnlyList<ScenarioStep>>();

    public required string Source { get; init; }
}

/// <summary>What success, denial and an expired session look like in the service's responses.</summary>
public sealed record Envelope
{
    /// <summary>JSON path of the business code (<c>code</c>); null when the service answers with HTTP statuses only.</summary>
    public string? CodePath { get; init; } = "code";

    public string? MessagePath { get; init; } = "msg";

    public IReadOnlyList<string> Success { get; init; } = ["0000"];

    public IReadOnlyList<string> SessionExpired { get; init; } = [];

    public IReadOnlyList<string> SessionExpiredText { get; init; } = [];

    /// <summary>
    /// Business codes of the service's anti-automation controls (频率限制 4290, 取消冻结 4003): a probe they refuse never
    /// reached the control under test, so it proves nothing — unless the scenario measures exactly those controls.
    /// </summary>
    public IReadOnlyList<string> AntiAutomation { get; init; } = [];

    /// <summary>HTTP statuses that mean the session is gone (401 for most).</summary>
    public IReadOnlyList<int> SessionExpiredStatus { get; init; } = [401];
}

/// <summary>A generic operation bound to a request, with what it extracts and how it is undone.</summary>
public sealed record Operation
{
    public required string Name { get; init; }

    public required RequestTemplate Request { get; init; }

    public IReadOnlyList<Extraction> Extract { get; init; } = [];

    /// <summary>Writes that may only touch the test department (预约只在测试科室): the runner checks <c>{{deptId}}</c>.</summary>
    public bool TestDepartmentOnly { get; init; }

    /// <summary>The operation that undoes this one (book → cancel), keyed by the variable it extracted (orderId).</summary>
    public string? UndoCall { get; init; }

    public string? UndoKey { get; init; }

    public int Line { get; init; }
}
