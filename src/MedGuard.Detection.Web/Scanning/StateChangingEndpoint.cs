using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Crawl;

namespace MedGuard.Detection.Web.Scanning;

/// <summary>
/// Recognises endpoints that write (挂号、预约、缴费、提交…) by the words of their path. In safe mode the scanner sends them
/// no payloads: thirty probes of a booking form would leave thirty bogus appointments in a hospital's production HIS.
/// Queries, searches and logins stay probed — the seed's injection was in a query endpoint.
/// </summary>
public static partial class StateChangingEndpoint
{
    /// <summary>English words of a path (split at '/', '-', '_', '.' and camel case) that name a write.</summary>
    public static readonly IReadOnlySet<string> WriteWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "book", "booking", "reserve", "reservation", "register", "registration", "signup", "enroll", "pay", "payment", "order",
        "checkout", "refund", "submit", "save", "add", "create", "insert", "new", "update", "edit", "modify", "upload", "import",
        "send", "sms", "transfer", "apply", "confirm", "comment", "feedback", "post",
    };

    /// <summary>Chinese words (pinyin paths aside) that name a write.</summary>
    public static readonly IReadOnlyList<string> WriteWordsChinese =
        ["挂号", "预约", "缴费", "支付", "退费", "提交", "保存", "新增", "添加", "修改", "上传", "导入", "发送", "留言", "评价", "申请"];

    /// <summary>True for a non-GET endpoint whose path names a write.</summary>
    public static bool IsLikely(Endpoint endpoint)
    {
        if (endpoint.Method is "GET" or "HEAD")
        {
            return false;
        }

        var path = Uri.UnescapeDataString(endpoint.Url.AbsolutePath);
        return WriteWordsChinese.Any(w => path.Contains(w, StringComparison.Ordinal))
            || PathWord().Matches(path).Any(m => WriteWords.Contains(m.Value));
    }

    // A run of lower-case letters, or a capital followed by lower-case ones (AddPatient → Add, Patient).
    [GeneratedRegex("[A-Z]?[a-z]+|[A-Z]+(?![a-z])")]
    private static partial Regex PathWord();
}
