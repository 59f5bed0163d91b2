using System.Runtime.ExceptionServices;

namespace MedGuard.Detection.Apk;

/// <summary>
/// A loop over independent parts of one APK on every core, that fails as the plain loop would: with the analysis's
/// own exception (an <see cref="ApkFormatException"/> names the broken part), not an AggregateException.
/// </summary>
internal static class BothCores
{
    public static void For<TLocal>(int count, Func<TLocal> local, Action<int, TLocal> body)
    {
        if (count <= 1)
        {
            if (count == 1)
            {
                body(0, local());
            }

            return;
        }

        try
        {
            Parallel.For(0, count, local, (i, _, state) =>
            {
                body(i, state);
                return state;
            }, _ => { });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }
    }
}
