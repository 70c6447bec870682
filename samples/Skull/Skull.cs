// Skull ("Simple Kernel Utility for Loading Localities"), after LDD's chapter on building
// and running modules: it probes for free I/O ports, maps the ISA memory hole and reports
// what lives there, and offers /dev/skull, whose writes take and drop a reference on the
// module (the usage count lsmod shows; rmmod refuses while one is held).
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.IO;
using KernelSharp.Sync;

// Probing the ISA hole maps memory nobody claimed (IoMapping.MapUnclaimed), as LDD's skull
// does: that can break another device, so it is unsafe by choice and reviewed (KS0004).
[assembly: KernelSharp.AllowUnsafeCode]

namespace Skull;

[KernelModule("skull", Author = "KernelSharp", Description = "LDD's skull: port probing, the ISA memory map, usage counts")]
public sealed partial class SkullModule : IKernelModule
{
    public const int PortCount = 16;
    private const int FirstProbedPort = 0x280, LastProbedPort = 0x2f0;

    [ModuleParameter("First of 16 I/O ports to reserve (0: probe 0x280-0x2f0)", Minimum = 0, Maximum = 0xfff0)]
    public static int skull_port_base = 0;

    // Debug zones: which debug messages to print (a debug build only: ksharp build --debug).
    [ModuleParameter("Debug zones: 1 port probing, 2 usage counts", Permissions = ParameterPermissions.ReadAllWriteOwner)]
    public static uint debug_zones = 0;

    [Flags]
    public enum Zone : uint { Probing = 1, Usage = 2 }

    private static PortRegion s_ports;
    private static MiscDevice s_device;

    public static Result Init()
    {
        Result result = skull_port_base != 0
            ? PortRegion.Request((ushort)skull_port_base, PortCount, "skull"u8, out s_ports)
            : ProbePorts();
        if (result.Failed)
        {
            Log.Error($"skull: no free ports: {result.Error}");
            return result;
        }
        Log.Info($"skull: ports {s_ports.Start:x}-{s_ports.Start + PortCount - 1:x} reserved");

        result = IsaMemory.Describe();
        if (result.Failed)
            return result;

        result = UsageDevice.Create();
        if (result.Failed)
            return result;
        result = MiscDevice.Register<UsageDevice>("skull"u8, out s_device);
        if (result.Failed)
            Log.Error($"skull: cannot register /dev/skull: {result.Error}");
        return result;
    }

    public static void Exit()
    {
        s_device.Dispose();
        UsageDevice.Free();
        s_ports.Dispose();
    }

    // The first free 16-port region from 0x280 to 0x2f0, as LDD's skull_detect loop.
    private static Result ProbePorts()
    {
        for (int port = FirstProbedPort; port <= LastProbedPort; port += PortCount)
        {
            Result taken = PortRegion.Request((ushort)port, PortCount, "skull"u8, out s_ports);
            DebugZones.Log(debug_zones, (uint)Zone.Probing, $"skull: probing {port:x}: {(taken.IsOk ? "free" : "taken")}");
            if (taken.IsOk)
                return Result.Ok;
        }
        return Error.EBUSY;
    }
}

/// <summary>
/// /dev/skull: writing "hold" takes a reference on the module, "release" drops it. While one
/// is held, rmmod skull refuses ("in use"), exactly as while another module uses skull's symbols.
/// </summary>
public sealed class UsageDevice : IWrite
{
    // The reference "hold" took, behind a lock: two writers at once take and drop one.
    private static Mutex<ModuleReference> s_held;
    // Bad commands are logged, but at most 3 a second: user space cannot flood the log.
    private static RateLimit s_badCommands = new(intervalMilliseconds: 1000, burst: 3);

    internal static Result Create() => Mutex<ModuleReference>.Create(out s_held);

    internal static void Free() => s_held.Dispose();

    public static Result<nint> Write(File file, UserReader source, ref long position)
    {
        nint length = (nint)source.Length; // the whole write is consumed; only its start is read
        Span<byte> text = stackalloc byte[8];
        Result<nint> copied = source.CopyTo(text);
        if (copied.Failed)
            return copied.Error;
        ReadOnlySpan<byte> command = text[..(int)copied.Value];
        if (!command.IsEmpty && command[^1] == (byte)'\n')
            command = command[..^1];
        if (command.SequenceEqual("hold"u8))
        {
            using MutexGuard<ModuleReference> held = s_held.Lock();
            if (!held.Data.IsEmpty)
                return Error.EBUSY; // one at a time: the test shows the count going 1 -> 0
            Result taken = ModuleReference.TryTake(out held.Data);
            if (taken.Failed)
                return taken.Error;
        }
        else if (command.SequenceEqual("release"u8))
        {
            using MutexGuard<ModuleReference> held = s_held.Lock();
            if (held.Data.IsEmpty)
                return Error.EINVAL;
            held.Data.Dispose();
        }
        else
        {
            if (s_badCommands.Allow())
            {
                Log.Warning($"skull: unknown command ({command.Length} bytes):");
                HexDump.Write(LogLevel.Warning, "skull: "u8, command);
            }
            return Error.EINVAL;
        }
        DebugZones.Log(SkullModule.debug_zones, (uint)SkullModule.Zone.Usage, $"skull: usage count now {ModuleReference.Count}");
        return length;
    }
}
