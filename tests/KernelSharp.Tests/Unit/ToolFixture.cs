using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

/// <summary>Compiles driver snippets in memory against the real core and kernel libraries.</summary>
public static class Drivers
{
    public static readonly Lazy<Toolchain> Toolchain = new(Tool.Build.Toolchain.Locate);

    public static DriverCompiler Compiler => new(Toolchain.Value.CoreLib, Toolchain.Value.KernelLib);

    public static DriverModel Model(string source) =>
        ModelReader.Read(Compiler.CreateCompilation("Snippet", [DriverCompiler.ParseText(source, "Snippet.cs")]));

    public static (byte[] Assembly, DriverModel Model, string Glue, IReadOnlyList<string> Warnings) Compile(string source) =>
        Compiler.Compile("Snippet", [DriverCompiler.ParseText(source, "Snippet.cs")]);

    public const string Usings = "using System; using KernelSharp; using KernelSharp.FileSystem; using KernelSharp.Devices;\n";

    public static string Module(string body = "", string attribute = "[KernelModule(\"snippet\")]") => Usings + $$"""
        {{attribute}}
        public sealed class SnippetModule : IKernelModule
        {
            public static Result Init() => Result.Ok;
            public static void Exit() { }
            {{body}}
        }
        """;
}
