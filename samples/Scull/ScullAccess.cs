// The access-controlled scull devices of LDD3's access.c: scull memory devices (read, write,
// seek and ioctl are scull's) whose open follows a rule.
// - /dev/scullsingle: one open file at a time; another open gets EBUSY.
// - /dev/sculluid: one user at a time (by real or effective uid, or CAP_DAC_OVERRIDE);
//   another user gets EBUSY.
// - /dev/scullwuid: the same rule, but another user's open waits until the device is free
//   (EAGAIN with O_NONBLOCK; a signal ends the wait with ERESTARTSYS).
// - /dev/scullpriv: one device per controlling terminal, made at its first open; a process
//   without a terminal gets EINVAL.
using KernelSharp;
using KernelSharp.Devices;
using KernelSharp.FileSystem;
using KernelSharp.Memory;
using KernelSharp.Security;
using KernelSharp.Sync;
using KernelSharp.Tasks;

namespace Scull;

public static class ScullAccess
{
    /// <summary>scullsingle, sculluid, scullwuid and scullpriv, in that order from the first number.</summary>
    public const uint DeviceCount = 4;

    private static ScullDevice s_single, s_uid, s_wuid;
    private static ScullNode s_privateNode;

    /// <summary>1 while scullsingle is free (LDD3's scull_s_available).</summary>
    internal static Atomic32 s_singleAvailable = new(1);
    internal static SpinLock<Owner> s_uidOwner, s_wuidOwner;
    /// <summary>scullwuid's opens wait here for the device to be free.</summary>
    internal static WaitQueue s_wuidFree;
    /// <summary>scullpriv's devices, one per terminal.</summary>
    internal static Mutex<PrivateDevices> s_private;

    internal static Result Init(in DeviceClass deviceClass, DeviceNumber first)
    {
        Result result = ScullModule.InjectFailure() ? Error.ENOMEM : SpinLock<Owner>.Create(out s_uidOwner);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : SpinLock<Owner>.Create(out s_wuidOwner);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : WaitQueue.Create(out s_wuidFree);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : Mutex<PrivateDevices>.Create(out s_private);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : ScullData.CreateShared(out s_single.Data);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : ScullData.CreateShared(out s_uid.Data);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : ScullData.CreateShared(out s_wuid.Data);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : CharDevice.Add<ScullSingleFile, Mutex<ScullData>>(first, 1, s_single.Data, out s_single.Node.CharDevice);
        if (result.IsOk)
            result = s_single.Node.CreateNode(deviceClass, first, "scullsingle"u8, -1);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : CharDevice.Add<ScullUidFile, Mutex<ScullData>>(first.Plus(1), 1, s_uid.Data, out s_uid.Node.CharDevice);
        if (result.IsOk)
            result = s_uid.Node.CreateNode(deviceClass, first.Plus(1), "sculluid"u8, -1);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : CharDevice.Add<ScullWaitUidFile, Mutex<ScullData>>(first.Plus(2), 1, s_wuid.Data, out s_wuid.Node.CharDevice);
        if (result.IsOk)
            result = s_wuid.Node.CreateNode(deviceClass, first.Plus(2), "scullwuid"u8, -1);
        if (result.IsOk)
            result = ScullModule.InjectFailure() ? Error.ENOMEM : CharDevice.Add<ScullPrivateFile>(first.Plus(3), 1, out s_privateNode.CharDevice);
        if (result.IsOk)
            result = s_privateNode.CreateNode(deviceClass, first.Plus(3), "scullpriv"u8, -1);
        return result;
    }

    internal static void Exit()
    {
        s_privateNode.Dispose();
        s_wuid.Dispose();
        s_uid.Dispose();
        s_single.Dispose();
        s_private.Dispose();
        s_wuidFree.Dispose();
        s_wuidOwner.Dispose();
        s_uidOwner.Dispose();
    }

    /// <summary>
    /// Counts an open of a device one user may hold at a time: true if no one holds it or the
    /// opener is its user (by real or effective uid), or <paramref name="privileged"/> (LDD3
    /// lets CAP_DAC_OVERRIDE in, but does not make root the owner of a device another user holds).
    /// </summary>
    internal static bool TryClaim(in SpinLock<Owner> owner, uint uid, uint euid, bool privileged)
    {
        using SpinLockGuard<Owner> guard = owner.Lock();
        ref Owner data = ref guard.Data;
        if (!privileged && !data.Admits(uid, euid))
            return false;
        if (data.Count == 0)
            data.Uid = uid;
        data.Count++;
        return true;
    }

    /// <summary>Counts a close; the number of opens left.</summary>
    internal static int Unclaim(in SpinLock<Owner> owner)
    {
        using SpinLockGuard<Owner> guard = owner.Lock();
        return --guard.Data.Count;
    }
}

/// <summary>Who holds a one-user device, and how many times it is open.</summary>
public struct Owner : System.IDisposable
{
    public int Count;
    public uint Uid;

    public readonly bool Admits(uint uid, uint euid) => Count == 0 || Uid == uid || Uid == euid;

    public void Dispose() { }
}

/// <summary>/dev/scullsingle: EBUSY while another file has it open.</summary>
public sealed class ScullSingleFile : ScullMemoryFile, IOpen<ScullOpen, Mutex<ScullData>>, IRelease<ScullOpen>
{
    public static Result Open(File file, in Shared<Mutex<ScullData>> device, out ScullOpen open)
    {
        open = default;
        if (!ScullAccess.s_singleAvailable.DecrementAndTest())
        {
            ScullAccess.s_singleAvailable.Increment();
            return Error.EBUSY;
        }
        open.Device = device.Share();
        Result trimmed = TrimIfWriteOnly(file, open);
        if (trimmed.Failed)
            ScullAccess.s_singleAvailable.Increment(); // no release follows a failed open
        return trimmed;
    }

    public static void Release(ref ScullOpen open, File file) => ScullAccess.s_singleAvailable.Increment();
}

/// <summary>/dev/sculluid: EBUSY while another user has it open.</summary>
public sealed class ScullUidFile : ScullMemoryFile, IOpen<ScullOpen, Mutex<ScullData>>, IRelease<ScullOpen>
{
    public static Result Open(File file, in Shared<Mutex<ScullData>> device, out ScullOpen open)
    {
        open = default;
        uint uid = CurrentTask.Uid, euid = CurrentTask.EffectiveUid;
        // Root's capability is asked only when it decides: a "yes" may be audited.
        if (!ScullAccess.TryClaim(ScullAccess.s_uidOwner, uid, euid, privileged: false)
            && !(Capabilities.IsCapable(Capability.DacOverride) && ScullAccess.TryClaim(ScullAccess.s_uidOwner, uid, euid, privileged: true)))
            return Error.EBUSY; // EPERM would confuse the user: the device exists and is theirs later
        open.Device = device.Share();
        Result trimmed = TrimIfWriteOnly(file, open);
        if (trimmed.Failed)
            ScullAccess.Unclaim(ScullAccess.s_uidOwner);
        return trimmed;
    }

    public static void Release(ref ScullOpen open, File file) => ScullAccess.Unclaim(ScullAccess.s_uidOwner);
}

/// <summary>What an open of /dev/scullwuid waits for: the device is free for this user.</summary>
public struct WaitUidFree : IWaitCondition
{
    public uint Uid, EffectiveUid;

    // A spin lock, not a mutex: the condition is tested with the task marked asleep.
    public readonly bool IsMet()
    {
        using SpinLockGuard<Owner> guard = ScullAccess.s_wuidOwner.Lock();
        return guard.Data.Admits(Uid, EffectiveUid);
    }
}

/// <summary>/dev/scullwuid: another user's open waits until the device is free.</summary>
public sealed class ScullWaitUidFile : ScullMemoryFile, IOpen<ScullOpen, Mutex<ScullData>>, IRelease<ScullOpen>
{
    public static Result Open(File file, in Shared<Mutex<ScullData>> device, out ScullOpen open)
    {
        open = default;
        uint uid = CurrentTask.Uid, euid = CurrentTask.EffectiveUid;
        while (!ScullAccess.TryClaim(ScullAccess.s_wuidOwner, uid, euid, privileged: false))
        {
            if (Capabilities.IsCapable(Capability.DacOverride) && ScullAccess.TryClaim(ScullAccess.s_wuidOwner, uid, euid, privileged: true))
                break;
            if ((file.Flags & OpenFlags.NonBlocking) != 0)
                return Error.EAGAIN;
            // Free again means the holder closed: then try again, as another opener may have claimed it first.
            if (ScullAccess.s_wuidFree.WaitInterruptible(new WaitUidFree { Uid = uid, EffectiveUid = euid }).Failed)
                return Error.ERESTARTSYS;
        }
        open.Device = device.Share();
        Result trimmed = TrimIfWriteOnly(file, open);
        if (trimmed.Failed)
            Release(ref open, file);
        return trimmed;
    }

    public static void Release(ref ScullOpen open, File file)
    {
        if (ScullAccess.Unclaim(ScullAccess.s_wuidOwner) == 0)
            ScullAccess.s_wuidFree.WakeUpAll(); // every waiting user: whoever claims first gets it
    }
}

/// <summary>scullpriv's devices: one per controlling terminal, kept until the module goes.</summary>
public struct PrivateDevices : System.IDisposable
{
    public KernelArray<PrivateDevice> Devices;
    public int Count;

    public void Dispose() => KernelArray.DisposeAll(ref Devices);
}

public struct PrivateDevice : System.IDisposable
{
    public DeviceNumber Terminal;
    public Shared<Mutex<ScullData>> Data;

    public void Dispose() => Data.Dispose();
}

/// <summary>/dev/scullpriv: each controlling terminal opens a device of its own.</summary>
public sealed class ScullPrivateFile : ScullMemoryFile, IOpen<ScullOpen>
{
    public static Result Open(File file, out ScullOpen open)
    {
        open = default;
        if (!CurrentTask.TryGetControllingTerminal(out DeviceNumber terminal))
            return Error.EINVAL; // no terminal, no device (LDD3's answer)
        Result locked = ScullAccess.s_private.LockInterruptible(out MutexGuard<PrivateDevices> guard);
        if (locked.Failed)
            return locked;
        using (guard)
        {
            Result found = Find(ref guard.Data, terminal, out int index);
            if (found.Failed)
                return found;
            open.Device = guard.Data.Devices[index].Data.Share();
        }
        return TrimIfWriteOnly(file, open);
    }

    /// <summary>The device of <paramref name="terminal"/>, made if it has none (LDD3's scull_c_lookfor_device). ENOMEM changes nothing.</summary>
    private static Result Find(ref PrivateDevices devices, DeviceNumber terminal, out int index)
    {
        for (index = 0; index < devices.Count; index++)
            if (devices.Devices[index].Terminal == terminal)
                return Result.Ok;
        if (devices.Count == devices.Devices.Length)
        {
            Result grown = devices.Devices.IsEmpty
                ? KernelArray<PrivateDevice>.Allocate(4, Gfp.Kernel, out devices.Devices)
                : devices.Devices.Resize(devices.Devices.Length * 2, Gfp.Kernel);
            if (grown.Failed)
                return grown;
        }
        ref PrivateDevice added = ref devices.Devices[index];
        Result created = ScullData.CreateShared(out added.Data);
        if (created.Failed)
            return created;
        added.Terminal = terminal;
        devices.Count++;
        return Result.Ok;
    }
}
