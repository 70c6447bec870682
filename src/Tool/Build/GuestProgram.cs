namespace KernelSharp.Tool.Build;

/// <summary>C programs that run in the guest: linked statically, since the busybox initramfs has no C library.</summary>
public static class GuestProgram
{
    /// <summary>Compiles <paramref name="source"/> with <c>gcc -static -O2 -Wall -Wextra</c> into
    /// <paramref name="outputDirectory"/>, named after the source without its extension.</summary>
    /// <returns>The executable's path.</returns>
    /// <exception cref="BuildError">gcc is missing or the program does not compile; the details have gcc's output.</exception>
    public static string Build(string source, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        Directory.CreateDirectory(outputDirectory);
        string binary = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(source));
        var outcome = ProcessRunner.Run("gcc", ["-static", "-O2", "-Wall", "-Wextra", "-o", binary, source]);
        if (outcome.ExitCode != 0)
            throw new BuildError($"building the guest program {source} failed", outcome.Output);
        return binary;
    }
}
