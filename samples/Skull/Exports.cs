// What skull offers other modules (LDD's EXPORT_SYMBOL(skull_fn1), ...). Another module uses
// them with [ImportSymbol]; see samples/SkullUser.
using KernelSharp;

namespace Skull;

public sealed partial class SkullModule
{
    /// <summary>skull_fn1(): the first of the ports skull reserved.</summary>
    [ExportSymbol("skull_fn1")]
    public static int FirstPort() => s_ports.Start;

    /// <summary>skull_fn2(value): value plus skull_variable.</summary>
    [ExportSymbol("skull_fn2")]
    public static long AddVariable(long value) => value + Variable;

    /// <summary>skull_variable: an int in skull's data that other modules read and write.</summary>
    [ExportSymbol("skull_variable")]
    public static partial ref int Variable { get; }
}
