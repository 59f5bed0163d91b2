using MedGuard.Domain.Detection;
using MedGuard.Domain.Findings;

namespace MedGuard.Detection.Apk.Reporting;

/// <summary>A file that could not be analysed, with the one-line reason.</summary>
public sealed record ApkError(string File, string Error);

/// <summary>The analysis of several APKs: reports in file-name order, and the files that failed.</summary>
public sealed record ApkBatchResult(IReadOnlyList<ApkReport> Apps, IReadOnlyList<ApkError> Errors)
{
    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    /// <summary>
    /// The analysis as a <see cref="DetectionRun"/>, the shape the writers and the platform share. A finding becomes
    /// one per rule × location with the package name as its target, so that a renamed file or a new build of the same
    /// app keeps its fingerprints; the location's evidence goes with it. A file that could not be read is a coverage
    /// note naming the file.
    /// </summary>
    public DetectionRun ToDetectionRun(string scope)
    {
        var findings = new List<Finding>();
        foreach (var app in Apps)
        {
            foreach (var finding in app.Findings.Concat(app.LibraryFindings))
            {
                foreach (var location in finding.Locations)
                {
                    findings.Add(finding with
                    {
                        Target = new AppTarget(app.Package, location) { File = app.File },
                        Locations = [location],
                        Evidence = finding.Evidence.TryGetValue(location, out var evidence)
                            ? new Dictionary<string, string> { ["code"] = evidence }
                            : new Dictionary<string, string>(),
                    });
                }
            }
        }

        return new DetectionRun
        {
            DetectorId = "apk",
            DetectorVersion = DetectionRun.VersionOf(typeof(ApkBatchResult).Assembly),
            Scope = scope,
            Target = string.Join("、", Apps.Select(a => a.File).Concat(Errors.Select(e => e.File))),
            StartedAt = StartedAt,
            EndedAt = EndedAt,
            Statistics = new DetectionStatistics { Files = Apps.Count + Errors.Count },
            Coverage = [.. Errors.Select(e => new CoverageNote(e.File, e.Error)), .. Apps.SelectMany(a => a.Coverage)],
            // The packages read: a file that could not be read names no package, so it covers nothing.
            Covered = [.. Apps.Select(a => a.Package).Distinct(StringComparer.Ordinal)],
            Apps = [.. Apps.Select(a => new ObservedApp(a.File, a.Package)
            {
                VersionName = a.VersionName,
                MinSdk = a.MinSdk,
                TargetSdk = a.TargetSdk,
                Debuggable = a.Debuggable,
                Endpoints = [.. a.Endpoints.Select(e => e.Origin)],
            })],
            Findings = DetectionRun.MergeByFingerprint(findings),
            Figures =
            [
                new("apps", Apps.Count),
                new("libraryFindings", findings.Count(f => f.InThirdPartyCode)),
                new("packedApps", Apps.Count(a => a.Packer is not null)),
                new("skippedMethods", Apps.Sum(a => a.SkippedMethods.Count)),
            ],
        };
    }
}
