using MedGuard.Detection.Logic.Running;
using MedGuard.Detection.Logic.Scenarios;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Scanning;
using MedGuard.Domain.Detection;

namespace MedGuard.Detection.Logic;

/// <summary>
/// The logic detector's entry point (业务逻辑检测): checks the authorization, logs the test identities in, runs each
/// scenario with its budget and cleanup, and returns the run. Throws <see cref="ScanRefusedException"/> when the
/// target is outside the scope or the authorization does not name <c>logic</c>, <see cref="LoginFailedException"/>
/// when an identity cannot log in at the start, <see cref="SiteUnreachableException"/> when nothing answers.
/// </summary>
public static class LogicScanner
{
    public static async Task<DetectionRun> RunAsync(LogicScanOptions options, CancellationToken cancellationToken = default) =>
        (await ScanAsync(options, cancellationToken).ConfigureAwait(false)).ToDetectionRun();

    public static async Task<LogicScanReport> ScanAsync(LogicScanOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AuthorizedDetectors is { } detectors && !detectors.Contains(LogicScanReport.DetectorId, StringComparer.OrdinalIgnoreCase))
        {
            throw new ScanRefusedException("授权未包含业务逻辑检测（logic），拒绝检测");
        }

        var baseUrl = options.BaseUrl ?? options.Profile.BaseUrl
            ?? (options.Scope.Origins is [var only] ? new Uri($"{only.Scheme ?? "http"}://{(only.Host.Contains(':', StringComparison.Ordinal) ? $"[{only.Host}]" : only.Host)}:{only.Port}/") : null)
            ?? throw new ScanRefusedException("没有给出服务地址（--url、服务绑定的 baseUrl，或只含一个站点的授权范围）");
        if (!options.Scope.Permits(baseUrl))
        {
            throw new OutOfScopeException(baseUrl);
        }

        if (options.Scope.TimeRefusal(DateTimeOffset.UtcNow) is { } refusal)
        {
            throw new ScanRefusedException($"{refusal}，拒绝检测");
        }

        foreach (var scenario in options.Scenarios)
        {
            ScenarioLoader.CheckAgainst(scenario, options.Profile);
        }

        var started = DateTimeOffset.UtcNow;
        using var pipeline = new SafeHttpPipeline(options.Scope, new HttpPipelineOptions
        {
            PerHostRatePerSecond = options.RatePerSecond,
            GlobalRatePerSecond = options.RatePerSecond,
            GlobalConcurrency = 1,
            PerHostConcurrency = 1,

            // The run's own budget stops attacks; the pipeline's backstop leaves room for every cleanup after it.
            RequestBudgetPerHost = options.MaxRequests * 2 + 100,
            MaxResponseBytes = options.MaxResponseBytes,
            Timeout = options.Timeout,
            UserAgent = "Mozilla/5.0 (compatible; MedGuard-LogicScanner/1.0; authorized security test)",
        });
        var today = options.Today ?? DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var context = new RunContext(pipeline, options.Profile, baseUrl, options.MaxRequests, today);
        var needed = options.Scenarios.SelectMany(s => s.Identities).ToHashSet(StringComparer.Ordinal);
        foreach (var identity in options.Identities)
        {
            var session = new IdentitySession(identity);
            context.Sessions[identity.Name] = session;
            context.AddSecrets(identity);
            if (identity.CanLogIn && needed.Contains(identity.Name))
            {
                // A failed login never continues with fewer identities: a swapped-identity test would look enforced.
                var (ok, why) = await context.LogInAsync(session, cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    throw new LoginFailedException(why);
                }
            }
        }

        var outcomes = new List<ScenarioOutcome>();
        var limitations = new List<string>();
        foreach (var scenario in options.Scenarios)
        {
            if (context.Sent >= options.MaxRequests)
            {
                limitations.Add($"本次运行的请求上限（{options.MaxRequests} 个）已用完，场景 {scenario.Id} 未运行");
                continue;
            }

            var outcome = await new ScenarioRunner(context, scenario).RunAsync(cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            options.Progress?.Invoke(outcome);
        }

        return new LogicScanReport
        {
            BaseUrl = baseUrl,
            Scope = options.ScopeDescription ?? options.Scope.Describe("授权范围"),
            Outcomes = outcomes,
            StartedAt = started,
            EndedAt = DateTimeOffset.UtcNow,
            Requests = pipeline.RequestsSent,
            Limitations = limitations,
        };
    }
}
