using System.Text.Json;
using System.Text.Json.Nodes;
using MedGuard.Detection.Logic.Profiles;
using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Logic.Running;

/// <summary>How the service answered, read through its envelope: HTTP 200 proves nothing when errors are 200 too.</summary>
public enum AnswerKind
{
    Accepted,      // 受理
    Denied,        // 拒绝
    SessionExpired, // 会话失效
    NoResponse,    // 无响应
}

/// <summary>One response read through the profile's envelope: its kind, business code and message, and the JSON.</summary>
public sealed record Answer(AnswerKind Kind, string? Code, string? Message, JsonNode? Json)
{
    public string Describe() => Kind switch
    {
        AnswerKind.Accepted => $"受理（code={Code ?? "-"}）",
        AnswerKind.Denied => $"拒绝（code={Code ?? "-"}{(Message is null ? "" : "，" + Message)}）",
        AnswerKind.SessionExpired => $"会话失效（code={Code ?? "-"}{(Message is null ? "" : "，" + Message)}）",
        _ => "无响应",
    };

    public static Answer Read(HttpExchange exchange, Envelope envelope, bool anonymous)
    {
        if (exchange.Failed)
        {
            return new Answer(AnswerKind.NoResponse, null, exchange.Error, null);
        }

        JsonNode? json = null;
        if (exchange.Body.Length > 0 && exchange.Body.TrimStart() is ['{' or '[', ..] && !exchange.Truncated)
        {
            try
            {
                json = JsonNode.Parse(exchange.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        var code = envelope.CodePath is { } cp && json is not null && JsonPath.First(json, cp) is { } c ? JsonPath.Text(c) : null;
        var message = envelope.MessagePath is { } mp && json is not null && JsonPath.First(json, mp) is { } m ? JsonPath.Text(m) : null;

        // Without credentials an "expired" answer is the denial we hoped for, not a session of ours that ran out.
        var expired = (code is not null && envelope.SessionExpired.Contains(code))
            || (message is not null && envelope.SessionExpiredText.Any(t => message.Contains(t, StringComparison.Ordinal)))
            || envelope.SessionExpiredStatus.Contains(exchange.Status);
        if (expired)
        {
            return new Answer(anonymous ? AnswerKind.Denied : AnswerKind.SessionExpired, code, message, json);
        }

        var ok = exchange.Status is >= 200 and < 300 && (code is null ? envelope.CodePath is null || json is null || json is JsonArray : envelope.Success.Contains(code));
        return new Answer(ok ? AnswerKind.Accepted : AnswerKind.Denied, code, message, json);
    }
}
