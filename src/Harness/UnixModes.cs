namespace KernelSharp.Harness;

/// <summary>
/// Unix permission bits for initramfs entries. C# has no octal literals, so the common modes are named here
/// instead of every caller spelling out binary literals.
/// </summary>
public static class UnixModes
{
    /// <summary>0644: owner read/write, everyone else read. The default for plain files.</summary>
    public const int RegularFile = 0b110_100_100;

    /// <summary>0755: owner read/write/execute, everyone else read/execute. For scripts, binaries and directories.</summary>
    public const int Executable = 0b111_101_101;

    /// <summary>0755, the default for directories.</summary>
    public const int Directory = Executable;

    /// <summary>0600: owner read/write only. What device nodes such as /dev/console usually get.</summary>
    public const int Private = 0b110_000_000;

    /// <summary>The largest value accepted: all permission bits plus set-uid, set-gid and sticky (07777).</summary>
    public const int MaxPermissions = 0b111_111_111_111;

    /// <summary>Parses an octal mode such as <c>"755"</c> or <c>"0644"</c>.</summary>
    /// <exception cref="FormatException">The text is not an octal number between 0 and 7777.</exception>
    public static int FromOctal(string octal)
    {
        ArgumentNullException.ThrowIfNull(octal);
        if (octal.Length == 0 || octal.Length > 5)
            throw new FormatException($"'{octal}' is not an octal file mode.");
        var value = 0;
        foreach (var c in octal)
        {
            if (c is < '0' or > '7')
                throw new FormatException($"'{octal}' is not an octal file mode.");
            value = (value * 8) + (c - '0');
        }
        if (value > MaxPermissions)
            throw new FormatException($"'{octal}' is larger than 7777.");
        return value;
    }
}
