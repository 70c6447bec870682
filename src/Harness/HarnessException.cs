namespace KernelSharp.Harness;

/// <summary>
/// The harness cannot run a guest because something on the host is missing or unusable (QEMU, busybox, the kernel).
/// The message says what to install or fix, so callers can show it to the user as is.
/// </summary>
public sealed class HarnessException : Exception
{
    /// <summary>Creates the exception with a message meant for the user.</summary>
    public HarnessException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message meant for the user and the error that caused it.</summary>
    public HarnessException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
