using Microsoft.CodeAnalysis;

namespace KernelSharp.Tool.Build;

/// <summary>
/// A build failure with one clear message for the driver author (and, where it helps, the
/// details behind it, such as compiler output). The tool prints it and exits non-zero.
/// </summary>
public sealed class BuildError(string message, string? details = null) : Exception(message)
{
    public string? Details { get; } = details;
}

/// <summary>Where in a driver's sources something is, in the shape compilers print and editors jump to.</summary>
public static class SourcePosition
{
    /// <summary>file(line,col) of a source location, 1-based.</summary>
    public static string Of(Location location)
    {
        FileLinePositionSpan span = location.GetMappedLineSpan();
        return $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
    }

    /// <summary>file(line,col): error CSxxxx: message — the shape editors and CI logs understand.</summary>
    public static string Format(Diagnostic diagnostic)
    {
        string where = diagnostic.Location.GetMappedLineSpan().IsValid ? $"{Of(diagnostic.Location)}: " : "";
        string severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return $"{where}{severity} {diagnostic.Id}: {diagnostic.GetMessage()}";
    }
}
