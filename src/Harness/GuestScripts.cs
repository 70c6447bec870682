namespace KernelSharp.Harness;

/// <summary>Shell functions guest scripts share.</summary>
public static class GuestScripts
{
    /// <summary>
    /// <c>snapshot</c>: what a module can leave behind, as text to compare before loading and after unloading: the
    /// names in /dev, /sys/class, /proc and /proc/driver (without process directories), and /proc/devices,
    /// /proc/ioports and /proc/iomem. <c>leftovers BEFORE</c> compares the current snapshot with a file written
    /// earlier and prints each line that differs as <c>left: LINE</c>, returning 1 when any does.
    /// </summary>
    public const string Snapshot = """
        snapshot() { ls /dev /sys/class; ls /proc /proc/driver 2>/dev/null | grep -v '^[0-9]'; cat /proc/devices /proc/ioports /proc/iomem; }
        leftovers() {
            snapshot > /tmp/ksharp-snapshot.now 2>&1
            cmp -s "$1" /tmp/ksharp-snapshot.now && return 0
            diff "$1" /tmp/ksharp-snapshot.now | grep '^[-+][^-+]' | sed 's|^|left: |'
            return 1
        }

        """;
}
