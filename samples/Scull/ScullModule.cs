// Scull ("Simple Character Utility for Loading Localities"): the memory-backed character
// devices of Linux Device Drivers (LDD3, chapters 3, 5 and 6) in C#. /dev/scull0..3 each
// hold whatever is written to them, in quanta of scull_quantum bytes gathered in quantum
// sets of scull_qset; /proc/scullmem shows the layout; ioctls with magic 'k' change the
// quantum and qset that devices adopt at their next trim (a write-only open).
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Memory;
using KernelSharp.Sync;

namespace Scull;

[KernelModule("scull", Author = "KernelSharp", Description = "LDD3's scull: memory-backed character devices")]
public sealed class ScullModule : IKernelModule
{
    public const int DefaultQuantum = 4000;
    public const int DefaultQset = 1000;
    private const int MaxDevices = 256;
    /// <summary>Minors are 20 bits (MINORMASK + 1): all of scull's must fit.</summary>
    private const int MaxMinor = 1 << 20;

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

    // Debug only, so it has no sysfs file: tests use it to check that a failed init
    // releases exactly what it had acquired.
    [ModuleParameter("Debug: make the k-th allocation or registration in init fail with ENOMEM (0: none)",
        Permissions = ParameterPermissions.None)]
    public static int scull_fail_at = 0;

    private static DeviceNumberRegion s_numbers;
    private static KernelArray<ScullDevice> s_devices;
    private static DeviceClass s_class;
    private static ProcEntry s_procEntry;
    private static Mutex s_parameterLock;
    private static int s_steps;

    /// <summary>The devices, for the file operations and /proc/scullmem.</summary>
    internal static ref readonly KernelArray<ScullDevice> Devices => ref s_devices;

    /// <summary>Serializes the ioctls that change scull_quantum and scull_qset.</summary>
    internal static ref readonly Mutex ParameterLock => ref s_parameterLock;

    public static Result Init()
    {
        if (scull_nr_devs < 1 || scull_nr_devs > MaxDevices || scull_quantum < 1 || scull_qset < 1
            || scull_major < 0 || scull_minor < 0 || scull_minor > MaxMinor - scull_nr_devs)
        {
            Log.Error($"scull: need 1 <= scull_nr_devs <= {MaxDevices}, scull_quantum >= 1, scull_qset >= 1, scull_major >= 0, 0 <= scull_minor <= {MaxMinor} - scull_nr_devs");
            return Error.EINVAL;
        }
        uint count = (uint)scull_nr_devs;

        // Each acquisition in order; Exit (run on failure too) releases what was acquired.
        Result result = InjectFailure() ? Error.ENOMEM
            : scull_major == 0
                ? DeviceNumberRegion.Allocate((uint)scull_minor, count, "scull"u8, out s_numbers)
                : DeviceNumberRegion.Register(new DeviceNumber((uint)scull_major, (uint)scull_minor), count, "scull"u8, out s_numbers);
        if (result.Failed)
            return Failed("reserve device numbers", result);
        scull_major = (int)s_numbers.First.Major;

        result = InjectFailure() ? Error.ENOMEM : Mutex.Create(out s_parameterLock);
        if (result.Failed)
            return Failed("create the parameter lock", result);

        result = InjectFailure() ? Error.ENOMEM : KernelArray<ScullDevice>.Allocate(scull_nr_devs, Gfp.Kernel, out s_devices);
        if (result.Failed)
            return Failed("allocate the devices", result);
        for (int i = 0; i < s_devices.Length; i++)
        {
            ref ScullDevice device = ref s_devices[i];
            result = InjectFailure() ? Error.ENOMEM : Mutex<ScullData>.Create(out Mutex<ScullData> data);
            if (result.Failed)
                return Failed("create a device lock", result);
            using (MutexGuard<ScullData> guard = data.Lock())
                guard.Data.Trim(); // the module's quantum and qset
            // Shared with every file opened on the device: each open file holds a share.
            result = InjectFailure() ? Error.ENOMEM : Shared<Mutex<ScullData>>.Create(ref data, out device.Data);
            data.Dispose(); // empty once moved into the share
            if (result.Failed)
                return Failed("share a device", result);
        }

        result = InjectFailure() ? Error.ENOMEM : DeviceClass.Create("scull"u8, out s_class);
        if (result.Failed)
            return Failed("create the device class", result);
        for (int i = 0; i < s_devices.Length; i++)
        {
            // Devices are complete before they go live: an open can arrive as soon as the cdev is added.
            ref ScullDevice device = ref s_devices[i];
            DeviceNumber number = s_numbers.First.Plus((uint)i);
            result = InjectFailure() ? Error.ENOMEM : CharDevice.Add<ScullFile, Mutex<ScullData>>(number, 1, device.Data, out device.CharDevice);
            if (result.Failed)
                return Failed("add a character device", result);
            result = InjectFailure() ? Error.ENOMEM : s_class.CreateNode(number, "scull"u8, (uint)i, out device.Node);
            if (result.Failed)
                return Failed("create a device node", result);
        }

        result = InjectFailure() ? Error.ENOMEM : ProcEntry.Create<ScullMemory>("scullmem"u8, out s_procEntry);
        if (result.Failed)
            return Failed("create /proc/scullmem", result);

        Log.Info($"scull: {scull_nr_devs} devices at major {scull_major}, minors from {scull_minor}");
        return Result.Ok;
    }

    public static void Exit()
    {
        // Reverse order: nothing reaches the devices once /proc and the nodes are gone.
        s_procEntry.Dispose();
        KernelArray.DisposeAll(ref s_devices);
        s_class.Dispose();
        s_parameterLock.Dispose();
        s_numbers.Dispose();
    }

    private static Result Failed(string what, Result result)
    {
        Log.Error($"scull: cannot {what}: {result.Error}");
        return result;
    }

    private static bool InjectFailure() => scull_fail_at > 0 && ++s_steps == scull_fail_at;
}

/// <summary>One scull device: its data behind a lock, and its character device and node.</summary>
public struct ScullDevice : System.IDisposable
{
    /// <summary>
    /// Everything a read or write touches, reached only with the lock held, and shared with
    /// the files open on the device (the last of them, or the module, frees it).
    /// </summary>
    public Shared<Mutex<ScullData>> Data;
    public CharDevice CharDevice;
    public DeviceNode Node;

    public void Dispose()
    {
        // The node and cdev first: no new open reaches the data after this.
        Node.Dispose();
        CharDevice.Dispose();
        Data.Dispose();
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
}

/// <summary>A quantum set: Qset quanta of Quantum bytes each, allocated as they are written.</summary>
public struct QuantumSet : System.IDisposable
{
    public KernelArray<KernelBuffer> Quanta;

    public void Dispose() => KernelArray.DisposeAll(ref Quanta);
}
