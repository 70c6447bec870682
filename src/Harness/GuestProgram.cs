using System.Diagnostics;

namespace KernelSharp.Harness;

/// <summary>C programs that run in the guest: linked statically, since the busybox initramfs has no C library.</summary>
public static class GuestProgram
{
    /// <summary>Compiles <paramref name="source"/> with <c>gcc -static -O2 -Wall -Wextra</c> into
    /// <paramref name="outputDirectory"/>, named after the source without its extension.</summary>
    /// <returns>The executable's path.</returns>
    /// <exception cref="HarnessException">gcc is missing or the program does not compile; the message has gcc's output.</exception>
    public static string Build(string source, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        if (HostTools.FindExecutable("gcc") is not { } gcc)
            throw new HarnessException("gcc was not found: guest programs are built with it. On Debian install it with: apt-get install gcc libc6-dev");
        Directory.CreateDirectory(outputDirectory);
        var binary = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(source));
        using var process = Process.Start(HostTools.Redirected(gcc, ["-static", "-O2", "-Wall", "-Wextra", "-o", binary, source]))
            ?? throw new HarnessException("Could not start gcc.");
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new HarnessException($"Building the guest program {source} failed:\n{output}{errors.Result}");
        return binary;
    }
}
