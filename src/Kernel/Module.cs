// What a module declares (<linux/module.h>, <linux/moduleparam.h>). The build tool reads
// these declarations and generates the module's C glue and C# entry points from them.
using System;

namespace KernelSharp
{
    /// <summary>
    /// A loadable module. The build tool generates <c>module_init</c>/<c>module_exit</c> that
    /// call <see cref="Init"/> and <see cref="Exit"/>.
    /// </summary>
    /// <remarks>
    /// If <see cref="Init"/> fails, <see cref="Exit"/> runs before the error reaches the
    /// kernel, so one teardown releases whatever Init had acquired. Owned values
    /// (<see cref="IO.PortRegion"/>, <see cref="Devices.MiscDevice"/>, ...) release once and
    /// do nothing when empty, which makes that teardown correct at every point of failure.
    /// </remarks>
    public interface IKernelModule
    {
        /// <summary>Runs at insmod. An error fails the load with that errno.</summary>
        static abstract Result Init();

        /// <summary>Runs at rmmod, and after a failed <see cref="Init"/>.</summary>
        static abstract void Exit();
    }

    /// <summary>Names the module and its modinfo fields.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class KernelModuleAttribute : Attribute
    {
        /// <param name="name">The module name: <c>poweroff</c> builds <c>poweroff.ko</c>.</param>
        public KernelModuleAttribute(string name) { Name = name; }

        public string Name { get; }

        /// <summary>MODULE_LICENSE. Must be GPL-compatible: the kernel library's shims call
        /// functions the kernel exports to GPL modules only (device classes and nodes, for one).</summary>
        public string License { get; set; } = "GPL";

        public string Author { get; set; }
        public string Description { get; set; }
    }

    /// <summary>Who may read or write a parameter's file under /sys/module/NAME/parameters.</summary>
    [Flags]
    public enum ParameterPermissions : ushort
    {
        /// <summary>No sysfs file at all.</summary>
        None = 0,
        OwnerRead = 0x100,  // 0400
        OwnerWrite = 0x80,  // 0200
        GroupRead = 0x20,   // 0040
        GroupWrite = 0x10,  // 0020
        OthersRead = 0x4,   // 0004

        /// <summary>0444, what most drivers use.</summary>
        ReadAll = OwnerRead | GroupRead | OthersRead,

        /// <summary>0644: everyone reads, root changes the value at run time.</summary>
        ReadAllWriteOwner = ReadAll | OwnerWrite,
    }

    /// <summary>
    /// Declares a module parameter (module_param): set with <c>insmod x.ko name=value</c>,
    /// shown under /sys/module/NAME/parameters/. The kernel parses the text (so 0x10 and 16
    /// both work); a bad value makes insmod fail with EINVAL and a log line naming the
    /// parameter, before any C# runs.
    /// <list type="bullet">
    /// <item>On a static field of type bool, byte, short, ushort, int, uint, long or ulong:
    /// the field holds the value and its initializer is the default. <see cref="Minimum"/>
    /// and <see cref="Maximum"/> bound it.</item>
    /// <item>On a <c>static partial ReadOnlySpan&lt;byte&gt;</c> property: a string of at most
    /// <see cref="MaxLength"/> bytes (default <see cref="Default"/>). The build tool implements
    /// the property.</item>
    /// <item>On a <c>static partial ReadOnlySpan&lt;T&gt;</c> property, T one of the integer
    /// types: a comma-separated array of at most <see cref="MaxCount"/> values (empty by default).</item>
    /// </list>
    /// Strings and arrays cannot be written at run time (their permissions have no write bit):
    /// the span C# holds must not change under it.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ModuleParameterAttribute : Attribute
    {
        public ModuleParameterAttribute(string description) { Description = description; }

        public string Description { get; }
        public ParameterPermissions Permissions { get; set; } = ParameterPermissions.ReadAll;

        /// <summary>The parameter's name when it differs from the field's or property's.</summary>
        public string Name { get; set; }

        /// <summary>Smallest value an integer parameter accepts (inclusive).</summary>
        public long Minimum { get; set; }

        /// <summary>Largest value an integer parameter accepts (inclusive).</summary>
        public long Maximum { get; set; }

        /// <summary>A string parameter's longest value, in bytes.</summary>
        public int MaxLength { get; set; }

        /// <summary>A string parameter's value when insmod gives none.</summary>
        public string Default { get; set; }

        /// <summary>An array parameter's largest number of values.</summary>
        public int MaxCount { get; set; }
    }

    /// <summary>
    /// Exports a symbol to other modules (EXPORT_SYMBOL_GPL), as LDD's skull exports
    /// skull_fn1 and skull_variable.
    /// <list type="bullet">
    /// <item>On a public static method whose parameters and result are int, uint, long,
    /// ulong, nint or nuint (or a void result): other modules call it as a C function; the
    /// generated wrapper enters C# the way every callback does.</item>
    /// <item>On a <c>static partial ref T</c> property, T one of those types: the variable
    /// lives in the module's C data under that symbol, and the property refers to it.</item>
    /// </list>
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ExportSymbolAttribute : Attribute
    {
        public ExportSymbolAttribute(string symbol) { Symbol = symbol; }

        public string Symbol { get; }
    }

    /// <summary>
    /// Uses a symbol another module exports: on a <c>static partial</c> method (a function) or
    /// a <c>static partial ref T</c> property (a variable) that the build tool implements.
    /// Name the exporting module with <see cref="ModuleDependencyAttribute"/>; the kernel then
    /// loads this module only after it ("depends:" in modinfo) and keeps it loaded meanwhile.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public sealed class ImportSymbolAttribute : Attribute
    {
        public ImportSymbolAttribute(string symbol) { Symbol = symbol; }

        public string Symbol { get; }
    }

    /// <summary>
    /// This module uses symbols another KernelSharp module exports:
    /// <c>[assembly: ModuleDependency("skull", "../Skull")]</c>. The build tool builds that
    /// project (path relative to this one) for the same kernel, so modpost knows its symbols,
    /// and <c>ksharp run</c> puts its .ko in the guest too.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
    public sealed class ModuleDependencyAttribute : Attribute
    {
        public ModuleDependencyAttribute(string module, string projectDirectory)
        {
            Module = module;
            ProjectDirectory = projectDirectory;
        }

        public string Module { get; }
        public string ProjectDirectory { get; }
    }
}
