using System.Text.RegularExpressions;
using MedGuard.Detection.Web.Http;
using MedGuard.Detection.Web.Templates;
using MedGuard.Domain.Scope;

namespace MedGuard.Detection.Web.Tests;

/// <summary>docs/web.md shows a scope file, a login recipe and a check template; each must load as written.</summary>
public sealed class UserGuideExampleTests
{
    private static readonly string[] YamlBlocks = [.. Regex.Matches(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "web.md")), "```yaml\n(.*?)```", RegexOptions.Singleline)
        .Select(m => m.Groups[1].Value)];

    private static string Block(string marker) => Assert.Single(YamlBlocks, b => b.Contains(marker, StringComparison.Ordinal));

    [Fact]
    public void ScopeExampleLoadsAndMeansWhatTheGuideSays()
    {
        var scope = AuthorizedScope.Parse(Block("origins:"), "docs/web.md");
        Assert.True(scope.Permits(new Uri("http://127.0.0.1:8080/")));
        Assert.False(scope.Permits(new Uri("http://127.0.0.1:8081/")));
        Assert.True(scope.Permits(new Uri("https://his.hospital.test/")));
        Assert.False(scope.Permits(new Uri("https://hospital.test/")));
        Assert.False(scope.Permits(new Uri("http://his.hospital.test:8080/")));
    }

    [Fact]
    public void LoginRecipeExampleLoads()
    {
        var recipe = LoginRecipe.Parse(Block("steps:"), "docs/web.md");
        Assert.Equal(["GET", "POST"], recipe.Steps.Select(s => s.Method));
        Assert.Equal(new LoginSuccess("/His/PatientList", ".ASPXAUTH", null, null), recipe.Success);
    }

    [Fact]
    public void TemplateExampleLoadsAndItsExamplesHold()
    {
        var template = Assert.Single(TemplateLoader.Parse(Block("matchers:"), "docs/web.md"));
        Assert.Equal("exposed-backup-sql", template.Id);
        Assert.True(template.Soft404);
        Assert.Equal(["patient"], template.Extract(template.PositiveExamples[0]));
    }
}
