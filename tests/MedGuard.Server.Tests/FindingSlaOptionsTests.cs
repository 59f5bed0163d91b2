using MedGuard.Domain.Findings;
using MedGuard.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace MedGuard.Server.Tests;

/// <summary>The findings' 整改时限 are configuration (issue 12 §3): defaults are the rectification deadlines, settings override them.</summary>
public sealed class FindingSlaOptionsTests
{
    [Fact]
    public void SlaDaysComeFromConfigurationAndDefaultToTheRectificationDeadlines()
    {
        var defaults = new ConfigurationBuilder().Build().GetSection(PlatformOptions.Section).Get<PlatformOptions>() ?? new PlatformOptions();
        Assert.Equal(30, defaults.FindingSla.DaysFor(Severity.High));
        Assert.Equal(90, defaults.FindingSla.DaysFor(Severity.Medium));

        var configured = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["MedGuard:FindingSla:HighDays"] = "15", ["MedGuard:FindingSla:LowDays"] = "180" })
            .Build().GetSection(PlatformOptions.Section).Get<PlatformOptions>()!;
        Assert.Equal(15, configured.FindingSla.DaysFor(Severity.High));
        Assert.Equal(90, configured.FindingSla.DaysFor(Severity.Medium));
        Assert.Equal(new DateOnly(2026, 12, 16), configured.FindingSla.DueOn(Severity.High, new DateOnly(2026, 12, 1)));

        // Binding one platform's settings never changes another's defaults.
        Assert.Equal(30, FindingSla.Default.DaysFor(Severity.High));
        Assert.Equal(30, new PlatformOptions().FindingSla.DaysFor(Severity.High));
    }
}
