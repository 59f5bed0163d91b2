using System.CommandLine;

namespace MedGuard.Cli.Commands;

/// <summary>
/// One top-level verb of the <c>medguard</c> command (catalog, grade, assess, scan, apk, audit…). Each engine's verbs
/// live in their own file; <see cref="Program"/> finds every module in this assembly, so adding a capability never
/// edits a shared list.
/// </summary>
internal interface ICommandModule
{
    /// <summary>Adds this module's commands under <paramref name="root"/> (creating shared parents such as <c>scan</c>).</summary>
    void Register(RootCommand root);
}
