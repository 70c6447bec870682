// Scull ("Simple Character Utility for Loading Localities"): the scull module of Linux
// Device Drivers (LDD3, chapters 3, 5 and 6) in C#, main.c, pipe.c and access.c alike:
// - /dev/scull0..3 each hold whatever is written to them, in quanta of scull_quantum bytes
//   gathered in quantum sets of scull_qset; /proc/scullmem shows the layout; ioctls with
//   magic 'k' change the quantum and qset that devices adopt at their next trim;
// - /dev/scullpipe0..3 are pipes of scull_p_buffer bytes whose reads and writes block
//   (ScullPipe.cs); /proc/scullpipe shows them;
// - /dev/scullsingle, sculluid, scullwuid and scullpriv are scull devices with access rules
//   (ScullAccess.cs).
using System;
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Memory;
using KernelSharp.Sync;

namespace Scull;

[KernelModule("scull", Author = "KernelSharp", Description = "LDD3's scull: memory-backed character devices, pipes and access control")]
public sealed class ScullModule : IKernelModule
{
    public const int DefaultQuantum = 4000;
    public const int DefaultQset = 1000;
    private const int MaxDevices = 256;
    /// <summary>Minors are 20 bits (MINORMASK + 1): all of scull's must fit.</summary>
    private const int MaxMinor = 1 << 20;
    /// <summary>A pipe buffer is one allocation: at most 1 MiB (kmalloc's limit is higher, a test's patience lower).</summary>
    private const int MaxPipeBuffer = 1 << 20;

    [ModuleParameter("Major number (0: let the kernel choose)")]
    public static int scull_major = 0;

    [ModuleParameter("First minor number")]
    public static int scull_minor = 0;

    [ModuleParameter("Number of scull devices")]
    public static int scull_nr_devs = 4;

    [ModuleParameter("Bytes per quantum")]
    public static int scull_quantum = DefaultQuantum;

    [ModuleParameter("Quanta per quantum set")]
    public static int scull_qset = DefaultQset;

    [ModuleParameter("Number of scullpipe devices")]
    public static int scull_p_nr_devs = 4;

    [ModuleParameter("Bytes in a scullpipe buffer (it holds one less)")]
    public static int scull_p_buffer = 4000;

    // Debug only, so it has no sysfs file: tests use it to check that a failed init
    // releases exactly what it had acquired.
    [ModuleParameter("Debug: make the k-th allocation or registration in init fail with ENOMEM (0: none)",
        Permissions = ParameterPermissions.None)]
    public static int scull_fail_at = 0;

    private static DeviceNumberRegion s_numbers, s_pipeNumbers, s_accessNumbers;
    private static KernelArray<ScullDevice> s_devices;
    private static KernelArray<PipeDevice> s_pipes;
    private static DeviceClass s_class;
    private static ProcEntry s_memoryProc, s_pipeProc;
    private static Mutex s_parameterLock;
    private static int s_steps;

    /// <summary>The memory devices, for /proc/scullmem.</summary>
    internal static ref readonly KernelArray<ScullDevice> Devices => ref s_devices;

    /// <summary>The pipes, for /proc/scullpipe.</summary>
    internal static ref readonly KernelArray<PipeDevice> Pipes => ref s_pipes;

    /// <summary>Serializes the ioctls that change scull_quantum and scull_qset.</summary>
    internal static ref readonly Mutex ParameterLock => ref s_parameterLock;

    public static Result Init()
    {
        if (scull_nr_devs < 1 || scull_nr_devs > MaxDevices || scull_quantum < 1 || scull_qset < 1
            || scull_p_nr_devs < 1 || scull_p_nr_devs > MaxDevices || scull_p_buffer < 2 || scull_p_buffer > MaxPipeBuffer
            || scull_major < 0 || scull_minor < 0 || scull_minor > MaxMinor - MinorCount)
        {
            Log.Error($"scull: need 1 <= scull_nr_devs, scull_p_nr_devs <= {MaxDevices}, scull_quantum >= 1, scull_qset >= 1, 2 <= scull_p_buffer <= {MaxPipeBuffer}, scull_major >= 0, 0 <= scull_minor <= {MaxMinor} - {MinorCount}");
            return Error.EINVAL;
        }

        // Each acquisition in order; Exit (run on failure too) releases what was acquired.
        // The numbers: scull's, then the pipes' and the access devices' right after them, in
        // regions of their own as LDD3 has them (/proc/devices lists scull, scullp and sculla).
        Result result = InjectFailure() ? Error.ENOMEM
            : scull_major == 0
                ? DeviceNumberRegion.Allocate((uint)scull_minor, (uint)scull_nr_devs, "scull"u8, out s_numbers)
                : DeviceNumberRegion.Register(new DeviceNumber((uint)scull_major, (uint)scull_minor), (uint)scull_nr_devs, "scull"u8, out s_numbers);
        if (result.Failed)
            return Failed("reserve device numbers", result);
        scull_major = (int)s_numbers.First.Major;
        DeviceNumber firstPipe = s_numbers.First.Plus((uint)scull_nr_devs);
        result = InjectFailure() ? Error.ENOMEM : DeviceNumberRegion.Register(firstPipe, (uint)scull_p_nr_devs, "scullp"u8, out s_pipeNumbers);
        if (result.Failed)
            return Failed("reserve the pipes' device numbers", result);
        DeviceNumber firstAccess = firstPipe.Plus((uint)scull_p_nr_devs);
        result = InjectFailure() ? Error.ENOMEM : DeviceNumberRegion.Register(firstAccess, ScullAccess.DeviceCount, "sculla"u8, out s_accessNumbers);
        if (result.Failed)
            return Failed("reserve the access devices' numbers", result);

        result = InjectFailure() ? Error.ENOMEM : Mutex.Create(out s_parameterLock);
        if (result.Failed)
            return Failed("create the parameter lock", result);

        // Devices are complete before they go live: an open can arrive as soon as the cdev is added.
        result = InjectFailure() ? Error.ENOMEM : KernelArray<ScullDevice>.Allocate(scull_nr_devs, Gfp.Kernel, out s_devices);
        if (result.Failed)
            return Failed("allocate the devices", result);
        for (int i = 0; i < s_devices.Length; i++)
        {
            // Shared with every file opened on the device: each open file holds a share.
            result = InjectFailure() ? Error.ENOMEM : ScullData.CreateShared(out s_devices[i].Data);
            if (result.Failed)
                return Failed("create a device", result);
        }
        result = InjectFailure() ? Error.ENOMEM : KernelArray<PipeDevice>.Allocate(scull_p_nr_devs, Gfp.Kernel, out s_pipes);
        if (result.Failed)
            return Failed("allocate the pipes", result);
        for (int i = 0; i < s_pipes.Length; i++)
        {
            result = InjectFailure() ? Error.ENOMEM : ScullPipe.CreateShared(out s_pipes[i].Pipe);
            if (result.Failed)
                return Failed("create a pipe", result);
        }

        result = InjectFailure() ? Error.ENOMEM : DeviceClass.Create("scull"u8, out s_class);
        if (result.Failed)
            return Failed("create the device class", result);
        for (int i = 0; i < s_devices.Length; i++)
        {
            ref ScullDevice device = ref s_devices[i];
            DeviceNumber number = s_numbers.First.Plus((uint)i);
            result = InjectFailure() ? Error.ENOMEM : CharDevice.Add<ScullFile, Mutex<ScullData>>(number, 1, device.Data, out device.Node.CharDevice);
            if (result.IsOk)
                result = device.Node.CreateNode(s_class, number, "scull"u8, i);
            if (result.Failed)
                return Failed("add a device", result);
        }
        for (int i = 0; i < s_pipes.Length; i++)
        {
            ref PipeDevice pipe = ref s_pipes[i];
            DeviceNumber number = firstPipe.Plus((uint)i);
            result = InjectFailure() ? Error.ENOMEM : CharDevice.Add<ScullPipeFile, ScullPipe>(number, 1, pipe.Pipe, out pipe.Node.CharDevice);
            if (result.IsOk)
                result = pipe.Node.CreateNode(s_class, number, "scullpipe"u8, i);
            if (result.Failed)
                return Failed("add a pipe", result);
        }
        result = ScullAccess.Init(s_class, firstAccess);
        if (result.Failed)
            return Failed("add the access devices", result);

        result = InjectFailure() ? Error.ENOMEM : ProcEntry.Create<ScullMemory>("scullmem"u8, out s_memoryProc);
        if (result.Failed)
            return Failed("create /proc/scullmem", result);
        result = InjectFailure() ? Error.ENOMEM : ProcEntry.Create<ScullPipeProc>("scullpipe"u8, out s_pipeProc);
        if (result.Failed)
            return Failed("create /proc/scullpipe", result);

        Log.Info($"scull: {scull_nr_devs} devices, {scull_p_nr_devs} pipes and {ScullAccess.DeviceCount} access devices at major {scull_major}, minors from {scull_minor}");
        return Result.Ok;
    }

    public static void Exit()
    {
        // Reverse order: nothing reaches the devices once /proc and the nodes are gone.
        s_pipeProc.Dispose();
        s_memoryProc.Dispose();
        ScullAccess.Exit();
        KernelArray.DisposeAll(ref s_pipes);
        KernelArray.DisposeAll(ref s_devices);
        s_class.Dispose();
        s_parameterLock.Dispose();
        s_accessNumbers.Dispose();
        s_pipeNumbers.Dispose();
        s_numbers.Dispose();
    }

    /// <summary>Minors from scull_minor on: the memory devices, the pipes, the access devices.</summary>
    private static int MinorCount => scull_nr_devs + scull_p_nr_devs + (int)ScullAccess.DeviceCount;

    private static Result Failed(string what, Result result)
    {
        Log.Error($"scull: cannot {what}: {result.Error}");
        return result;
    }

    /// <summary>Debug (scull_fail_at): whether this acquisition in init is the one to fail.</summary>
    internal static bool InjectFailure() => scull_fail_at > 0 && ++s_steps == scull_fail_at;
}

/// <summary>A memory device: its data, shared with the files open on it (the last of them, or the module, frees it), and its node.</summary>
public struct ScullDevice : IDisposable
{
    public Shared<Mutex<ScullData>> Data;
    public ScullNode Node;

    public void Dispose()
    {
        // The node first: no new open reaches the data after this.
        Node.Dispose();
        Data.Dispose();
    }
}

/// <summary>What makes a device live: its character device and its /dev node.</summary>
public struct ScullNode : IDisposable
{
    public CharDevice CharDevice;
    public DeviceNode Node;

    /// <summary>
    /// Creates /dev/NAMEINDEX (/dev/NAME for a negative index) once <see cref="CharDevice"/> is
    /// added: the device is live, and the node makes it visible.
    /// </summary>
    public Result CreateNode(in DeviceClass deviceClass, DeviceNumber number, ReadOnlySpan<byte> name, int index) =>
        ScullModule.InjectFailure() ? Error.ENOMEM
            : index < 0 ? deviceClass.CreateNode(number, name, out Node) : deviceClass.CreateNode(number, name, (uint)index, out Node);

    public void Dispose()
    {
        Node.Dispose();
        CharDevice.Dispose();
    }
}

/// <summary>A scull device's contents and geometry (LDD3's struct scull_dev without its lock and cdev).</summary>
public struct ScullData : System.IDisposable
{
    /// <summary>The quantum sets in order (LDD3 links them in a list; an array indexes faster).</summary>
    public KernelArray<QuantumSet> Sets;
    public int SetCount;
    public int Quantum;
    public int Qset;
    public long Size;

    /// <summary>Frees all data and adopts the module's current quantum and qset (scull_trim).</summary>
    public void Trim()
    {
        KernelArray.DisposeAll(ref Sets);
        SetCount = 0;
        Size = 0;
        Quantum = ScullModule.scull_quantum;
        Qset = ScullModule.scull_qset;
    }

    public void Dispose() => KernelArray.DisposeAll(ref Sets);

    /// <summary>A new empty device with the module's geometry, as the first share of it.</summary>
    public static Result CreateShared(out Shared<Mutex<ScullData>> device)
    {
        device = default;
        Result result = Mutex<ScullData>.Create(out Mutex<ScullData> data);
        if (result.Failed)
            return result;
        using (MutexGuard<ScullData> guard = data.Lock())
            guard.Data.Trim();
        result = Shared<Mutex<ScullData>>.Create(ref data, out device);
        data.Dispose(); // empty once moved into the share
        return result;
    }
}

/// <summary>A quantum set: Qset quanta of Quantum bytes each, allocated as they are written.</summary>
public struct QuantumSet : System.IDisposable
{
    public KernelArray<KernelBuffer> Quanta;

    public void Dispose() => KernelArray.DisposeAll(ref Quanta);
}
