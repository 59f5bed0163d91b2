using MedGuard.Server.Findings;

namespace MedGuard.Server.Pages.Findings;

/// <summary>What the _FindingCounts partial shows: the counts, the list's query that selects the same findings, an element id.</summary>
public sealed record FindingCountsView(FindingCounts Counts, string Query, string ElementId = "finding-counts");
