using System.Diagnostics;
using System.Text;

namespace KernelSharp.Tool.Build;

/// <summary>Runs a program to completion and captures what it printed.</summary>
public static class ProcessRunner
{
    public sealed record Outcome(int ExitCode, string Output);

    /// <summary>Runs <paramref name="program"/>; <paramref name="environment"/> adds to this process's environment,
    /// or with <paramref name="inheritEnvironment"/> false is the whole of it.</summary>
    public static Outcome Run(string program, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, bool inheritEnvironment = true)
    {
        ProcessStartInfo start = Harness.HostTools.Redirected(program, arguments);
        start.WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory;
        if (!inheritEnvironment)
            start.Environment.Clear();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BuildError($"cannot run {program}: {e.Message}");
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        lock (output)
            return new Outcome(process.ExitCode, output.ToString());
    }
}
