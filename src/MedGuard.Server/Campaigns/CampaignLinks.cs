using MedGuard.Server.Findings;
using MedGuard.Storage.Campaigns;
using MedGuard.Storage.Findings;

namespace MedGuard.Server.Campaigns;

/// <summary>Links from a campaign to the findings list, filtered to what its runs found new, fixed or saw still open.</summary>
public static class CampaignLinks
{
    public static string Findings(Guid campaignId, Guid? institutionId, CampaignFinding? found) =>
        "/findings?" + new FindingFilter { Campaign = campaignId, Institution = institutionId, Found = found }.ToQuery();

    /// <summary><c>new</c>, <c>fixed</c>, <c>stillOpen</c> → the filtered list of one institution.</summary>
    public static IReadOnlyDictionary<string, string> FindingsOf(Guid campaignId, Guid institutionId) => new Dictionary<string, string>
    {
        ["new"] = Findings(campaignId, institutionId, CampaignFinding.New),
        ["fixed"] = Findings(campaignId, institutionId, CampaignFinding.Fixed),
        ["stillOpen"] = Findings(campaignId, institutionId, CampaignFinding.StillOpen),
    };
}
