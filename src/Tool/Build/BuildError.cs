namespace KernelSharp.Tool.Build;

/// <summary>
/// A build failure with one clear message for the driver author (and, where it helps, the
/// details behind it, such as compiler output). The tool prints it and exits non-zero.
/// </summary>
public sealed class BuildError(string message, string? details = null) : Exception(message)
{
    public string? Details { get; } = details;
}
