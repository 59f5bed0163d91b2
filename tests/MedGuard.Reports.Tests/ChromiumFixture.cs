using MedGuard.Reports.Rendering;

namespace MedGuard.Reports.Tests;

/// <summary>One chromium for every test of the project (starting it costs about a second).</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public ChromiumRenderer Chromium { get; } = new();

    public ReportWriter Writer => new(Chromium);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Chromium.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ChromiumCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "chromium";
}
