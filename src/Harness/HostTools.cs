namespace KernelSharp.Harness;

/// <summary>Finding and running host programs the harness and the build tool need.</summary>
public static class HostTools
{
    /// <summary>Finds an executable the way a shell would: a path containing '/' is taken as is, a bare name is
    /// looked up in each PATH directory.</summary>
    /// <returns>The full path, or <see langword="null"/> when there is no such executable file.</returns>
    public static string? FindExecutable(string name)
    {
        if (name.Contains('/'))
            return IsExecutableFile(name) ? Path.GetFullPath(name) : null;
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
            path = "/usr/local/bin:/usr/bin:/bin";
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (IsExecutableFile(candidate))
                return candidate;
        }
        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
            return false;
        if (OperatingSystem.IsWindows())
            return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    /// <summary>A start description for <paramref name="executable"/> with all three standard streams
    /// redirected and each argument passed as is (no shell, no quoting).</summary>
    public static System.Diagnostics.ProcessStartInfo Redirected(string executable, IEnumerable<string> arguments)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        return startInfo;
    }

    /// <summary>Runs a filter program: feeds <paramref name="input"/> to its standard input and copies its standard
    /// output to <paramref name="outputPath"/>.</summary>
    /// <returns>The exit code and whatever it wrote to standard error.</returns>
    public static async Task<(int ExitCode, string StandardError)> RunFilterAsync(
        string executable, IReadOnlyList<string> arguments, ReadOnlyMemory<byte> input, string outputPath, CancellationToken cancellationToken)
    {
        using var process = System.Diagnostics.Process.Start(Redirected(executable, arguments))
            ?? throw new HarnessException($"Could not start {executable}.");
        try
        {
            // Write, read and drain stderr at the same time: a filter blocks once its output pipe is full.
            var feed = Task.Run(async () =>
            {
                try
                {
                    await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The filter exited early (corrupt input); its exit code and stderr say why.
                }
                finally
                {
                    process.StandardInput.Close();
                }
            }, cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await using (var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
            await feed.ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return (process.ExitCode, (await errors.ConfigureAwait(false)).Trim());
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }
}
