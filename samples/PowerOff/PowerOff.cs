// PowerOff: ends the QEMU session with a chosen status through QEMU's isa-debug-exit device.
// A write of N to its port makes QEMU exit with status 2N+1.
using System;
using System.Globalization;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.IO;
using KernelSharp.Memory;

namespace PowerOff;

[KernelModule("poweroff", Author = "KernelSharp", Description = "Powers QEMU off through isa-debug-exit")]
public sealed class PowerOffModule : IKernelModule
{
    [ModuleParameter("First of the four I/O ports of isa-debug-exit")]
    public static int port = 0x10f4;

    [ModuleParameter("Status to exit QEMU with at load (0..255), or -1 to stay up")]
    public static int code = -1;

    private static Shared<PortRegion> s_ports;   // the module's share; each open file holds its own
    private static MiscDevice s_device;

    public static Result Init()
    {
        if (code < -1 || code > 255 || port < 0 || port > 0xFFFF - 3)
        {
            Log.Error($"poweroff: code must be -1..255 and port 0..0xfffc (code={code}, port={port:x})");
            return Error.EINVAL;
        }

        Result result = PortRegion.Request((ushort)port, 4, "poweroff"u8, out PortRegion ports);
        if (result.Failed)
        {
            Log.Error($"poweroff: ports {port:x}-{port + 3:x} are not free: {result.Error}");
            return result;
        }
        result = Shared<PortRegion>.Create(ref ports, out s_ports);
        ports.Dispose(); // empty once moved into the share; still the region if that failed
        if (result.Failed)
            return result;

        result = MiscDevice.Register<PowerOffDevice, PortRegion>("poweroff"u8, s_ports, out s_device);
        if (result.Failed)
        {
            Log.Error($"poweroff: cannot register /dev/poweroff: {result.Error}");
            return result; // Exit releases the ports
        }

        Log.Info($"poweroff: ports {port:x}-{port + 3:x} reserved, /dev/poweroff ready");
        if (code >= 0)
            PowerOff(s_ports.Value, (byte)code);
        return Result.Ok;
    }

    public static void Exit()
    {
        s_device.Dispose();
        s_ports.Dispose();
    }

    internal static void PowerOff(in PortRegion ports, byte status)
    {
        Log.Info($"poweroff: exiting QEMU with status {2 * status + 1}");
        ports.WriteByte(0, status);
    }
}

/// <summary>What an open /dev/poweroff holds: a share of the ports, which outlives an unload of the device.</summary>
public struct PowerOffOpen : IDisposable
{
    public Shared<PortRegion> Ports;

    public void Dispose() => Ports.Dispose();
}

/// <summary>/dev/poweroff: write a decimal status 0..255 to exit QEMU with it.</summary>
public sealed class PowerOffDevice : IOpen<PowerOffOpen, PortRegion>, IWrite<PowerOffOpen>
{
    private const int MaxWrite = 16;

    public static Result Open(File file, in Shared<PortRegion> ports, out PowerOffOpen open)
    {
        open.Ports = ports.Share();
        return Result.Ok;
    }

    public static Result<nint> Write(in PowerOffOpen open, File file, UserReader source, ref long position)
    {
        if (source.Length == 0 || source.Length > MaxWrite)
            return Error.EINVAL;

        Span<byte> text = stackalloc byte[MaxWrite];
        Result<nint> copied = source.CopyTo(text);
        if (copied.Failed)
            return copied.Error;
        text = text[..(int)copied.Value];
        if (text[^1] == (byte)'\n')
            text = text[..^1];

        // Digits only: no sign, no spaces, no hex. The explicit check also refuses trailing
        // NUL bytes, which .NET's parser skips even with NumberStyles.None.
        foreach (byte c in text)
            if (c < (byte)'0' || c > (byte)'9')
                return Error.EINVAL;
        if (!byte.TryParse(text, NumberStyles.None, null, out byte status))
            return Error.EINVAL;

        PowerOffModule.PowerOff(open.Ports.Value, status);
        return copied; // all of it: the length was checked first
    }
}
