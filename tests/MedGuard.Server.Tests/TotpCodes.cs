using System.Collections.Concurrent;
using MedGuard.Security.Totp;

namespace MedGuard.Server.Tests;

/// <summary>
/// Codes as an authenticator app shows them. The platform accepts each code once (replay refusal), so a second login
/// of the same account within one 30-second step waits for the next code, as a person would.
/// </summary>
internal static class TotpCodes
{
    private static readonly ConcurrentDictionary<string, long> LastStep = new();

    public static async Task<string> FreshAsync(string secret)
    {
        while (true)
        {
            var now = DateTime.UtcNow;
            var step = new DateTimeOffset(now).ToUnixTimeSeconds() / 30;
            // Avoid the last second of a step: the code could expire between typing and checking.
            var secondsLeft = 30 - (new DateTimeOffset(now).ToUnixTimeSeconds() % 30);
            if ((!LastStep.TryGetValue(secret, out var last) || last < step) && secondsLeft > 2)
            {
                LastStep[secret] = step;
                return TotpAuthenticator.CodeAt(secret, now);
            }

            await Task.Delay(500);
        }
    }
}
