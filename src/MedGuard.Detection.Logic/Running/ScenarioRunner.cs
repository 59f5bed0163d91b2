using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;

namespace MedGuard.Detection.Logic.Running;

/// <summary>
/// Runs one scenario: setup (each step must get the answer it expects), probe (the attack; its exchanges judged by
/// vulnerableIf), proof (a follow-up read whose check says whether the state changed), then cleanup — always, also
/// after a failure — and the undo of everything the scenario created (book → cancel, bind → unbind). An identity whose
/// session expired is logged in again when it has a recipe; otherwise the verdict is 无法判断, never 已防护 and never
/// a finding. A breach of the scenario's budget stops it.
/// </summary>
internal sealed class ScenarioRunner(RunContext context, Scenario scenario)
{
    private readonly Variables _vars = new() { Today = context.Today };
    private readonly List<StepExchange> _probe = [];
    private readonly List<(StepExchange Exchange, bool Holds)> _proof = [];
    private readonly List<PendingUndo> _undo = [];
    private readonly double _minInterval = scenario.MaxRatePerSecond is { } r ? 1.0 / r : 0;
    private int _sent;
    private long _lastSend;

    private sealed record PendingUndo(string Identity, Operation Undo, string Key, JsonNode Value, string What);

    private enum Phase
    {
        Setup,
        Probe,
        Proof,
        Cleanup,
    }

    public async Task<ScenarioOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        foreach (var (k, v) in context.Profile.Vars)
        {
            if (_vars.TryRenderJson(v, out var value))
            {
                _vars[k] = value;
            }
        }

        Verdict verdict;
        string reason;
        var budgetExceeded = false;
        try
        {
            if (scenario.Identities.FirstOrDefault(i => !context.Sessions.ContainsKey(i)) is { } missing)
            {
                throw new StepFailedException($"身份文件中没有场景需要的身份 {missing}");
            }

            foreach (var step in scenario.Setup)
            {
                await RunStepAsync(step, Phase.Setup, cancellationToken).ConfigureAwait(false);
            }

            foreach (var step in scenario.Probe)
            {
                await RunStepAsync(step, Phase.Probe, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                foreach (var step in scenario.Proof)
                {
                    await RunStepAsync(step, Phase.Proof, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (UndefinedVariableException) when (!ProbeHit())
            {
                // The refused probe created nothing to read back (no order id): the refusal alone decides.
                _proof.Clear();
            }

            (verdict, reason) = Judge();
        }
        catch (BudgetExceededException ex)
        {
            (verdict, reason, budgetExceeded) = (Verdict.Inconclusive, $"请求预算超限，场景已停止：{ex.Message}", true);
        }
        catch (SessionLostException ex)
        {
            (verdict, reason) = (Verdict.Inconclusive, $"会话在检测中失效：{ex.Message}");
        }
        catch (Exception ex) when (ex is StepFailedException or SafetyRefusalException or UndefinedVariableException or ScanRefusedException or RegexMatchTimeoutException)
        {
            (verdict, reason) = (Verdict.Inconclusive, ex.Message);
        }
        catch (SiteUnreachableException)
        {
            // Nothing answered at all: the caller reports the run as unreachable (exit 3), after the cleanup below.
            await CleanupAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var problems = await CleanupAsync(CancellationToken.None).ConfigureAwait(false);
        return new ScenarioOutcome(scenario, verdict, reason)
        {
            Evidence = [.. _probe, .. _proof.Select(p => p.Exchange)],
            Requests = _sent,
            Elapsed = watch.Elapsed,
            CleanupProblems = problems.Problems,
            Undone = problems.Undone,
            BudgetExceeded = budgetExceeded,
        };
    }

    private bool ProbeHit() => _probe.GroupBy(p => p.Step).Any(g =>
        g.All(e => (g.Key.VulnerableIf.Count > 0 ? g.Key.VulnerableIf : [new Condition { Accepted = true }]).Any(c => Holds(c, e.Exchange, e.Answer, _vars))));

    private (Verdict, string) Judge()
    {
        // A probe refused by the service's anti-automation control (earlier scenarios tripped it) never reached the
        // control under test: calling that 已防护 would be false comfort.
        if (!scenario.MeasuresAntiAutomation
            && _probe.FirstOrDefault(p => p.Answer.Kind == AnswerKind.Denied && p.Answer.Code is { } code && context.Profile.Envelope.AntiAutomation.Contains(code)) is { } throttled)
        {
            return (Verdict.Inconclusive,
                $"攻击请求被服务的防刷控制拦下（{RunContext.Describe(throttled.Exchange)}，{throttled.Answer.Describe()}），受测的控制没有执行；请稍后单独运行本场景");
        }

        var probeHit = false;
        var lines = new List<string>();
        foreach (var group in _probe.GroupBy(p => p.Step))
        {
            var conditions = group.Key.VulnerableIf.Count > 0 ? group.Key.VulnerableIf : [new Condition { Accepted = true }];
            var all = group.ToList();
            var hits = all.Count(e => conditions.Any(c => Holds(c, e.Exchange, e.Answer, _vars)));
            var hit = hits == all.Count;
            probeHit |= hit;
            lines.Add(all.Count == 1
                ? $"{group.Key.Describe()}（{all[0].Identity}）：{RunContext.Describe(all[0].Exchange)}，{all[0].Answer.Describe()}"
                : $"{group.Key.Describe()}（{all[0].Identity}）连续 {all.Count} 次：{hits} 次符合风险条件；{string.Join("；", all.Select(a => a.Answer.Describe()).Distinct())}");
        }

        if (_proof.Count == 0)
        {
            return probeHit
                ? (Verdict.Vulnerable, "攻击请求被受理：" + string.Join("；", lines))
                : (Verdict.Enforced, "攻击请求被拒绝：" + string.Join("；", lines));
        }

        var changed = _proof.All(p => p.Holds);
        var proofText = string.Join("；", _proof.Select(p => $"复查 {p.Exchange.Step.Describe()}（{p.Exchange.Identity}）：{(p.Holds ? "状态已改变" : "状态未改变")}"));
        return changed
            ? (Verdict.Vulnerable, $"{string.Join("；", lines)}；{proofText}")
            : (Verdict.Enforced, $"{string.Join("；", lines)}；{proofText}" + (probeHit ? "（请求被受理但状态未改变）" : ""));
    }

    private async Task RunStepAsync(ScenarioStep step, Phase phase, CancellationToken cancellationToken)
    {
        if (step.Flow is { } flow)
        {
            foreach (var inner in context.Profile.Flows[flow])
            {
                // A flow's steps run as the identity the scenario names, whatever the profile wrote.
                await RunStepAsync(inner with { As = step.As, With = [.. step.With, .. inner.With] }, phase, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var operation = step.Call is { } call ? context.Profile.Operations[call] : null;
        var template = operation?.Request ?? step.Request!;
        // forEach with repeat takes at most that many elements (a burst over distinct slots).
        IReadOnlyList<JsonNode?> items = step.ForEach is { } listName
            ? ((_vars[listName] as JsonArray)?.ToList() ?? (_vars.Has(listName) ? [_vars[listName]] : [])).Take(step.Repeat > 1 ? step.Repeat : int.MaxValue).ToList()
            : Enumerable.Repeat<JsonNode?>(null, step.Repeat).ToList();
        if (items.Count == 0)
        {
            throw new StepFailedException($"步骤“{step.Describe()}”的 forEach 列表 {step.ForEach} 为空，没有可发送的请求");
        }

        for (var i = 0; i < items.Count; i++)
        {
            var local = _vars.Copy();
            local.Index = i + 1;
            local.Element = items[i];
            foreach (var (k, v) in step.With)
            {
                local[k] = local.TryRenderJson(v, out var value) ? value : null;
            }

            if (operation?.TestDepartmentOnly == true)
            {
                var dept = local.Has("deptId") ? JsonPath.Text(local["deptId"]) : null;
                if (dept is null || !context.TestDepartments.Contains(dept))
                {
                    throw new SafetyRefusalException(
                        $"安全限制：{operation.Name} 只能在测试科室进行，而科室 '{dept ?? "未知"}' 不在 listDepartments 标记的测试科室（{string.Join("、", context.TestDepartments)}）中");
                }
            }

            var session = step.As == "anonymous" ? null : context.Sessions[step.As];
            var (exchange, answer) = await SendAsync(template, local, session, phase, cancellationToken).ConfigureAwait(false);
            var record = new StepExchange(step, step.As, exchange, answer, phase.ToString());
            if (answer.Kind == AnswerKind.Accepted)
            {
                Extract(operation?.Extract ?? [], step, answer, exchange, local);
                TrackUndo(operation, step.As, local);
                if (operation?.Name == "listDepartments" && context.Profile.TestDepartments is { } path)
                {
                    context.TestDepartments.UnionWith(JsonPath.Select(answer.Json, path).Where(n => n is not null).Select(JsonPath.Text));
                }
            }

            switch (phase)
            {
                case Phase.Probe:
                    _probe.Add(record);
                    break;
                case Phase.Proof when step.Check is not null:
                    _proof.Add((record, Holds(step.Check!, exchange, answer, local)));
                    break;
                default:
                    var met = step.Expect switch
                    {
                        StepExpectation.Success => answer.Kind == AnswerKind.Accepted,
                        StepExpectation.Denied => answer.Kind == AnswerKind.Denied,
                        _ => true,
                    };
                    if (!met)
                    {
                        throw new StepFailedException($"前置步骤“{step.Describe()}”（{step.As}）未得到预期结果：{RunContext.Describe(exchange)}，{answer.Describe()}");
                    }

                    break;
            }
        }
    }

    private void Extract(IReadOnlyList<Extraction> fromOperation, ScenarioStep step, Answer answer, HttpExchange exchange, Variables local)
    {
        foreach (var (e, append) in fromOperation.Select(e => (e, false)).Concat(step.Extract.Select(e => (e, false))).Concat(step.Append.Select(e => (e, true))))
        {
            JsonNode? value;
            if (e.IsRegex)
            {
                var m = Regex.Match(exchange.Body, e.Expression["regex:".Length..], RegexOptions.None, TimeSpan.FromSeconds(1));
                value = m.Success ? JsonValue.Create(m.Groups.Count > 1 ? m.Groups[1].Value : m.Value) : null;
            }
            else if (e.IsAll)
            {
                var all = JsonPath.Select(answer.Json, local.Render(e.Path)).Where(n => n is not null).Select(n => n!.DeepClone()).ToArray();
                value = all.Length > 0 ? new JsonArray(all) : null;
            }
            else
            {
                value = JsonPath.First(answer.Json, local.Render(e.Expression))?.DeepClone();
            }

            if (value is null)
            {
                // An operation's own extraction may find nothing (a list step); a step's must, or later steps would guess.
                if (fromOperation.Contains(e))
                {
                    continue;
                }

                throw new StepFailedException($"步骤“{step.Describe()}”的响应中找不到 {e.Expression}（变量 {e.Variable}）");
            }

            if (append)
            {
                _vars.Append(e.Variable, value);
            }
            else
            {
                _vars[e.Variable] = value;
            }

            local[e.Variable] = value;
        }
    }

    private void TrackUndo(Operation? operation, string identity, Variables local)
    {
        if (operation is null)
        {
            return;
        }

        if (operation.UndoCall is { } undoCall && operation.UndoKey is { } key && local[key] is { } value)
        {
            _undo.Add(new PendingUndo(identity, context.Profile.Operations[undoCall], key, value, $"{operation.Name} {key}={JsonPath.Text(value)}"));
        }

        // A successful undo operation (anyone's, e.g. the attack's own cancel) settles the matching pending undo.
        _undo.RemoveAll(u => u.Undo.Name == operation.Name && local.Has(u.Key) && JsonPath.Text(local[u.Key]) == JsonPath.Text(u.Value));
    }

    private async Task<(HttpExchange, Answer)> SendAsync(RequestTemplate template, Variables vars, IdentitySession? session, Phase phase, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (session is { LoggedIn: false })
            {
                await LogInAsync(session, phase, cancellationToken).ConfigureAwait(false);
            }

            var request = context.Build(template, vars, session);
            var exchange = await SendCountedAsync(request, session, phase, cancellationToken).ConfigureAwait(false);
            var answer = Answer.Read(exchange, context.Profile.Envelope, anonymous: session is null);
            if (answer.Kind != AnswerKind.SessionExpired)
            {
                return (exchange, answer);
            }

            if (attempt > 0 || !session!.Identity.CanLogIn)
            {
                throw new SessionLostException($"身份 {session!.Identity.Name} 的请求 {RunContext.Describe(exchange)} 得到 {answer.Describe()}"
                    + (session.Identity.CanLogIn ? "，重新登录后仍然失效" : "，且该身份没有可用的登录流程，无法重新登录"));
            }

            session.Token = null; // logs in again on the next attempt
        }
    }

    private async Task LogInAsync(IdentitySession session, Phase phase, CancellationToken cancellationToken)
    {
        CountOrStop(phase);
        var (ok, why) = await context.LogInAsync(session, cancellationToken).ConfigureAwait(false);
        if (!ok)
        {
            throw new SessionLostException(why);
        }
    }

    private void CountOrStop(Phase phase)
    {
        if (phase != Phase.Cleanup && _sent >= scenario.MaxRequests)
        {
            throw new BudgetExceededException($"场景 {scenario.Id} 的请求上限（budget.maxRequests = {scenario.MaxRequests}）不够完成下一步");
        }

        _sent++;
    }

    private async Task<HttpExchange> SendCountedAsync(ScanRequest request, IdentitySession? session, Phase phase, CancellationToken cancellationToken)
    {
        CountOrStop(phase);
        if (_minInterval > 0 && _lastSend != 0)
        {
            var wait = _minInterval - Stopwatch.GetElapsedTime(_lastSend).TotalSeconds;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
            }
        }

        _lastSend = Stopwatch.GetTimestamp();
        return await context.SendAsync(request, session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The scenario's cleanup steps, then the undo of everything still created; what fails is listed.</summary>
    private async Task<(List<string> Problems, int Undone)> CleanupAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var undone = 0;
        context.CleaningUp = true;
        try
        {
            await UndoAllAsync(problems, cancellationToken, () => undone++).ConfigureAwait(false);
        }
        finally
        {
            context.CleaningUp = false;
        }

        return (problems, undone);
    }

    private async Task UndoAllAsync(List<string> problems, CancellationToken cancellationToken, Action undoneOne)
    {
        foreach (var step in scenario.Cleanup)
        {
            try
            {
                await RunStepAsync(step, Phase.Cleanup, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is StepFailedException or SessionLostException or UndefinedVariableException or ScanRefusedException or BudgetExceededException or SafetyRefusalException)
            {
                problems.Add($"清理步骤“{step.Describe()}”失败：{ex.Message}");
            }
        }

        for (var i = _undo.Count - 1; i >= 0; i--)
        {
            var undo = _undo[i];
            var vars = _vars.Copy();
            vars[undo.Key] = undo.Value;
            var session = undo.Identity == "anonymous" ? null : context.Sessions[undo.Identity];
            try
            {
                var (exchange, answer) = await SendAsync(undo.Undo.Request, vars, session, Phase.Cleanup, cancellationToken).ConfigureAwait(false);
                if (answer.Kind == AnswerKind.Accepted)
                {
                    undoneOne();
                }
                else
                {
                    problems.Add($"未能撤销 {undo.What}（{undo.Identity} {RunContext.Describe(exchange)}，{answer.Describe()}）");
                }
            }
            catch (Exception ex) when (ex is SessionLostException or ScanRefusedException or BudgetExceededException or UndefinedVariableException or StepFailedException or SiteUnreachableException)
            {
                problems.Add($"未能撤销 {undo.What}：{ex.Message}");
            }
        }

        _undo.Clear();
    }

    internal static bool Holds(Condition c, HttpExchange exchange, Answer answer, Variables vars)
    {
        if (c.Accepted is { } accepted && (answer.Kind == AnswerKind.Accepted) != accepted)
        {
            return false;
        }

        if (c.Status.Count > 0 && !c.Status.Contains(exchange.Status))
        {
            return false;
        }

        if (c.Path is not null || c.Var is not null)
        {
            var value = c.Path is { } p ? JsonPath.First(answer.Json, vars.Render(p)) : vars[c.Var!];
            if (c.Exists is { } exists && (value is not null) != exists)
            {
                return false;
            }

            var text = value is null ? null : JsonPath.Text(value);
            if (c.EqualTo is { } eq && !SameValue(text, vars.Render(eq)))
            {
                return false;
            }

            if (c.NotEqualTo is { } ne && (text is null || SameValue(text, vars.Render(ne))))
            {
                return false;
            }

            if (c.GreaterThan is { } gt && (text is null || !After(text, vars.Render(gt))))
            {
                return false;
            }

            if (c.Matches is { } pattern && (text is null || !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1))))
            {
                return false;
            }
        }

        if (c.BodyMatches is { } body && !Regex.IsMatch(exchange.Body, body, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            return false;
        }

        return c.HeaderName is not { } header
            || (exchange.Header(header) is { } h && Regex.IsMatch(h, c.HeaderMatches!, RegexOptions.None, TimeSpan.FromSeconds(1)));
    }

    private static bool After(string a, string b) =>
        decimal.TryParse(a, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x)
        && decimal.TryParse(b, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var y)
            ? x > y
            : string.CompareOrdinal(a, b) > 0;

    private static bool SameValue(string? a, string b) =>
        a == b || (decimal.TryParse(a, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x)
                   && decimal.TryParse(b, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var y) && x == y);
}
