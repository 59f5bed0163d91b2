namespace MedGuard.Domain.Institutions;

/// <summary>
/// 网络安全现状调查 — what the seed's sector survey asks of each hospital (DOMAIN.md §7). Null means "not answered",
/// which the statistics keep apart from "no".
/// </summary>
public sealed class InstitutionSurvey
{
    /// <summary>专职网络安全人员数量 — the survey counts hospitals with at least 5.</summary>
    public int? SecurityStaffCount { get; set; }

    /// <summary>个人信息记录量 — the survey counts hospitals holding at least 1,000,000 records.</summary>
    public long? PersonalDataRecords { get; set; }

    /// <summary>使用密码设备 (crypto devices such as VPN gateways, signature servers).</summary>
    public bool? UsesCryptoDevices { get; set; }

    /// <summary>使用密码算法 (SM2/SM3/SM4 or others) in its systems.</summary>
    public bool? UsesCryptoAlgorithms { get; set; }

    /// <summary>使用国产密码产品.</summary>
    public bool? UsesDomesticCryptoProducts { get; set; }

    /// <summary>使用国产操作系统.</summary>
    public bool? UsesDomesticOperatingSystem { get; set; }

    /// <summary>使用国产数据库.</summary>
    public bool? UsesDomesticDatabase { get; set; }

    /// <summary>使用国产中间件.</summary>
    public bool? UsesDomesticMiddleware { get; set; }

    /// <summary>将"缺乏专业人才"列为主要困难.</summary>
    public bool? LacksProfessionals { get; set; }

    public DateOnly? SurveyedOn { get; set; }
}
