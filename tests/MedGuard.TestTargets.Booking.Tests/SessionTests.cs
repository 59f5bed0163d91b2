using System.Net;

namespace MedGuard.TestTargets.Booking.Tests;

/// <summary>WeChat login of the test identities and the lifetime of their tokens.</summary>
public sealed class SessionTests
{
    [Theory]
    [InlineData(BookingMode.Vulnerable)]
    [InlineData(BookingMode.Fixed)]
    public async Task A_token_expires_after_its_lifetime_and_the_login_code_refreshes_it(BookingMode mode)
    {
        await using var booking = await Twin.StartAsync(mode, tokenLifetime: TimeSpan.FromSeconds(1));
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        Assert.Equal("0000", (await a.GetAsync("/api/order/myList")).Code);
        await Task.Delay(TimeSpan.FromSeconds(1.3));

        var expired = await a.GetAsync("/api/order/myList");
        Assert.Equal(HttpStatusCode.OK, expired.Status);
        Assert.Equal("""{"code":"4010","msg":"登录已过期，请重新登录"}""", expired.Body);
        Assert.Equal("4010", (await a.ConfirmAsync(Twin.Slot(booking, Twin.TestDoctor, 1).ScheduleId, Twin.PatientA)).Code);
        Assert.DoesNotContain(booking.Store.ActiveOrders, o => o.PatientId == Twin.PatientA);

        // The same code logs in again (the login recipe's refresh).
        using var again = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        Assert.Equal("0000", (await again.GetAsync("/api/order/myList")).Code);
    }

    [Fact]
    public async Task Login_answers_token_openid_and_lifetime_and_refuses_unknown_codes()
    {
        await using var booking = await Twin.StartAsync(BookingMode.Fixed);
        using var nobody = new BookingClient(booking);
        var login = await nobody.PostAsync("/api/user/wxLogin", new { code = "TEST_PATIENT_B" });
        Assert.Equal(booking.Store.TestIdentity("TEST_PATIENT_B").OpenId, login.Text("openId"));
        Assert.Equal(1800, login.Long("expiresIn"));
        Assert.Matches("^[0-9a-f]{32}$", login.Text("token"));
        Assert.Equal("4011", (await nobody.PostAsync("/api/user/wxLogin", new { code = "SOMEONE_ELSE" })).Code);
        Assert.Equal("4010", (await new BookingClient(booking, "0123456789abcdef0123456789abcdef").GetAsync("/api/patient/list")).Code);
    }

    [Fact]
    public async Task ExpireTokens_ends_the_sessions_at_once()
    {
        await using var booking = await Twin.StartAsync(BookingMode.Fixed);
        using var a = await BookingClient.LoginAsync(booking, "TEST_PATIENT_A");
        using var b = await BookingClient.LoginAsync(booking, "TEST_PATIENT_B");
        booking.Store.ExpireTokens(booking.Store.TestIdentity("TEST_PATIENT_A").OpenId);
        Assert.Equal("4010", (await a.GetAsync("/api/patient/list")).Code);
        Assert.Equal("0000", (await b.GetAsync("/api/patient/list")).Code);
    }

    [Fact]
    public async Task The_oauth_authorize_page_returns_the_chosen_identitys_code_to_the_h5_page()
    {
        await using var booking = await Twin.StartAsync(BookingMode.Vulnerable);
        using var nobody = new BookingClient(booking);
        var back = Uri.EscapeDataString(booking.H5Entry.ToString());
        var picker = await nobody.GetAsync($"/wx/oauth2/authorize?appid=wxTEST&redirect_uri={back}&response_type=code&scope=snsapi_userinfo&state=s1");
        Assert.Contains("id=\"TEST_PATIENT_C\"", picker.Body, StringComparison.Ordinal);
        var chosen = await nobody.GetAsync($"/wx/oauth2/authorize?appid=wxTEST&redirect_uri={back}&state=s1&test_user=TEST_PATIENT_C");
        Assert.Equal(HttpStatusCode.Redirect, chosen.Status);
        Assert.Equal(booking.H5Entry + "?code=TEST_PATIENT_C&state=s1", chosen.Response.Headers.Location!.ToString());

        // Another host in redirect_uri is refused, as WeChat refuses domains not configured for the account.
        var foreign = await nobody.GetAsync("/wx/oauth2/authorize?appid=wxTEST&redirect_uri=" + Uri.EscapeDataString("http://example.invalid/cb") + "&state=s1&test_user=TEST_PATIENT_C");
        Assert.Equal(HttpStatusCode.OK, foreign.Status);
        Assert.Contains("10003", foreign.Body, StringComparison.Ordinal);
    }
}
