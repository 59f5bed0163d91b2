using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Logic.Running;

/// <summary>What a scenario concluded: the risk is there (存在风险), the control held (已防护), or it cannot say (无法判断).</summary>
public enum Verdict
{
    Vulnerable,
    Enforced,
    Inconclusive,
}

public static class VerdictNames
{
    public static string ToChinese(this Verdict verdict) => verdict switch
    {
        Verdict.Vulnerable => "存在风险",
        Verdict.Enforced => "已防护",
        _ => "无法判断",
    };
}

/// <summary>One exchange kept as evidence, with the step that sent it, who sent it and how the envelope read it.</summary>
public sealed record StepExchange(ScenarioStep Step, string Identity, HttpExchange Exchange, Answer Answer, string Phase);

/// <summary>A scenario's result: verdict and why, the exchanges that show it, what it cost, what cleanup could not undo.</summary>
public sealed record ScenarioOutcome(Scenario Scenario, Verdict Verdict, string Reason)
{
    /// <summary>Probe and proof exchanges (what was sent and what proved it).</summary>
    public IReadOnlyList<StepExchange> Evidence { get; init; } = [];

    public int Requests { get; init; }

    public TimeSpan Elapsed { get; init; }

    /// <summary>Bookings or bindings the scenario made and could not undo (未能撤销).</summary>
    public IReadOnlyList<string> CleanupProblems { get; init; } = [];

    public bool BudgetExceeded { get; init; }

    /// <summary>How many objects the scenario created and undid in cleanup.</summary>
    public int Undone { get; init; }
}
