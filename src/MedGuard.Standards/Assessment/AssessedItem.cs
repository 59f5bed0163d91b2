using MedGuard.Domain.Assessment;
using MedGuard.Domain.Findings;
using MedGuard.Standards.Catalog;

namespace MedGuard.Standards.Assessment;

/// <summary>One catalog item with the assessor's result — the unit every conclusion policy scores.</summary>
public sealed record AssessedItem(
    RequirementAtLevel Item,
    ItemResultValue Result,
    string? Evidence = null,
    Severity? Risk = null,
    IReadOnlyList<string>? HighRiskCases = null,
    bool MajorHazard = false,
    string? Importance = null);
