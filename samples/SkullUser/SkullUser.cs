// A module that uses skull's exported symbols. The kernel resolves them at load, so
// skulluser loads only while skull is loaded ("Unknown symbol" otherwise), and skull cannot
// be unloaded while skulluser is: modinfo shows "depends: skull".
using KernelSharp;

[assembly: ModuleDependency("skull", "../Skull")]

namespace SkullUser;

[KernelModule("skulluser", Author = "KernelSharp", Description = "Uses the symbols skull exports")]
public sealed partial class SkullUserModule : IKernelModule
{
    [ImportSymbol("skull_fn1")]
    public static partial int SkullFirstPort();

    [ImportSymbol("skull_fn2")]
    public static partial long SkullAddVariable(long value);

    [ImportSymbol("skull_variable")]
    public static partial ref int SkullVariable { get; }

    public static Result Init()
    {
        SkullVariable = 40;
        Log.Info($"skulluser: skull_fn1() = {SkullFirstPort():x}, skull_variable = {SkullVariable}, skull_fn2(2) = {SkullAddVariable(2)}");
        return Result.Ok;
    }

    public static void Exit() => Log.Info($"skulluser: leaving skull_variable at {SkullVariable}");
}
