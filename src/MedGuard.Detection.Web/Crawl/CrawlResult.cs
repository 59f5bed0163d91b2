using MedGuard.Detection.Web.Http;

namespace MedGuard.Detection.Web.Crawl;

public sealed record CrawlResult(IReadOnlyList<HttpExchange> Pages, IReadOnlyList<Endpoint> Endpoints);
