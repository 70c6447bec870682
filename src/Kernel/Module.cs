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

        /// <summary>MODULE_LICENSE. Must be GPL-compatible: compiled C# runs inside
        /// kernel_fpu_begin(), which the kernel exports to GPL modules only.</summary>
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
    /// Makes a static field of the module class a module parameter (module_param): set with
    /// <c>insmod x.ko name=value</c>, shown under /sys/module/NAME/parameters/. The field's
    /// initializer is the default. Supported types: bool, byte, short, ushort, int, uint,
    /// long, ulong. The kernel parses the text (so 0x10 and 16 both work) and refuses bad
    /// values with EINVAL before any C# runs.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class ModuleParameterAttribute : Attribute
    {
        public ModuleParameterAttribute(string description) { Description = description; }

        public string Description { get; }
        public ParameterPermissions Permissions { get; set; } = ParameterPermissions.ReadAll;

        /// <summary>The parameter's name when it differs from the field's.</summary>
        public string Name { get; set; }
    }
}
