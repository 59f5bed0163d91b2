using Microsoft.Playwright;

namespace MedGuard.Server.Tests;

/// <summary>In Chromium: a signed-in user changes their password from the navigation bar, and logs out; the old
/// password no longer opens the platform, the new one does.</summary>
public sealed class PasswordBrowserTests
{
    [Fact]
    public async Task AUserChangesTheirPasswordFromTheNavigationBar()
    {
        await using var platform = await PlatformFixture.StartAsync(DatabaseKind.Sqlite);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var regulator = platform.Credentials["regulator"];
        await page.GotoAsync(new Uri(platform.BaseAddress, "/account/login").ToString());
        await page.FillAsync("#UserName", regulator.UserName);
        await page.FillAsync("#Password", regulator.Password);
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(regulator.TotpSecret!));
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");

        await page.ClickAsync("#change-password");
        await Navigation.ArriveAsync(page, "/account/password", "#NewPassword");
        await page.FillAsync("#CurrentPassword", regulator.Password);
        await page.FillAsync("#NewPassword", "weak");
        await page.FillAsync("#ConfirmPassword", "weak");
        await page.ClickAsync("#password-submit");
        await Assertions.Expect(page.Locator("#password-error")).ToContainTextAsync("口令长度至少 10 位");

        await page.FillAsync("#CurrentPassword", regulator.Password);
        await page.FillAsync("#NewPassword", "Sector-Watch-2026");
        await page.FillAsync("#ConfirmPassword", "Sector-Watch-2026");
        await page.ClickAsync("#password-submit");
        await Assertions.Expect(page.Locator("#password-message")).ToContainTextAsync("口令已修改");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "sqlite-12-password-changed.png") });

        await page.ClickAsync("button:has-text('退出')");
        await Navigation.ArriveAsync(page, "/account/login", "#UserName");
        await page.FillAsync("#UserName", regulator.UserName);
        await page.FillAsync("#Password", regulator.Password);
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(regulator.TotpSecret!));
        await page.ClickAsync("#login-submit");
        await Assertions.Expect(page.Locator("#login-error")).ToHaveTextAsync(MedGuard.Server.Pages.Account.LoginModel.FailureMessage);
        await page.FillAsync("#Password", "Sector-Watch-2026");
        await page.FillAsync("#Code", await TotpCodes.FreshAsync(regulator.TotpSecret!));
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#current-user");
    }
}
