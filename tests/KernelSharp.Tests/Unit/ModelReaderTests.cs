using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

public class ModelReaderTests
{
    [Fact]
    public void Reads_module_metadata_parameters_and_implemented_file_operations()
    {
        DriverModel model = Drivers.Model(Drivers.Module("""
                [ModuleParameter("First port", Permissions = ParameterPermissions.ReadAllWriteOwner)] public static int port = 0x10f4;
                [ModuleParameter("Verbose", Name = "verbose")] internal static bool s_verbose;
            """, """[KernelModule("snippet", Author = "A. Hacker", Description = "Says \"hi\"", License = "Dual MIT/GPL")]""") + """
            public sealed class Device : IFileOperations
            {
                public static Result<nint> Write(File file, UserReader source, ref long position) => (nint)source.Length;
                public static void Release(File file) { }
            }
            """);

        Assert.Equal(new ModuleInfo("snippet", "global::SnippetModule", "Dual MIT/GPL", "A. Hacker", "Says \"hi\""), model.Module);
        Assert.Equal(
            [new ModuleParameter("port", "global::SnippetModule.port", ParameterType.Int, "First port", 0x1A4),
             new ModuleParameter("verbose", "global::SnippetModule.s_verbose", ParameterType.Bool, "Verbose", 0x124)],
            model.Parameters);
        var device = Assert.Single(model.FileOperations);
        Assert.Equal("global::Device", device.TypeName);
        Assert.Equal(FileOperation.Write | FileOperation.Release, device.Implemented);
    }

    [Fact]
    public void Reads_seek_ioctl_and_seq_show_types()
    {
        DriverModel model = Drivers.Model(Drivers.Module("", "[KernelModule(\"snippet\")]") + """
            public sealed class Device : IFileOperations
            {
                public static Result<long> Seek(File file, long offset, SeekOrigin origin) => offset;
                public static Result<long> Ioctl(File file, IoctlCommand command, IoctlArgument argument) => 0;
            }
            internal sealed class Status : ISeqShow
            {
                public static Result Show(SeqFile output) => Result.Ok;
            }
            """);
        Assert.Equal(FileOperation.Seek | FileOperation.Ioctl, Assert.Single(model.FileOperations).Implemented);
        Assert.Equal(["global::Status"], model.SeqShowTypes);
    }

    [Fact]
    public void Reads_ranges_strings_and_arrays()
    {
        DriverModel model = Drivers.Model(Drivers.Usings + """
            [KernelModule("snippet")]
            public sealed partial class SnippetModule : IKernelModule
            {
                public static Result Init() => Result.Ok;
                public static void Exit() { }
                [ModuleParameter("n", Minimum = 1, Maximum = 9)] public static int n = 1;
                [ModuleParameter("w", MaxLength = 16, Default = "you", Name = "whom")] public static partial ReadOnlySpan<byte> Whom { get; }
                [ModuleParameter("v", MaxCount = 4, Name = "values")] internal static partial ReadOnlySpan<ulong> Values { get; }
            }
            """);
        Assert.Equal(new ModuleParameter("n", "global::SnippetModule.n", ParameterType.Int, "n", 0x124, 1, 9), Assert.Single(model.Parameters));
        Assert.Equal(
            [new SpanParameter("whom", new PartialMember(null, "SnippetModule", "class", "Whom", "public"), null, "w", 0x124, 16, "you"),
             new SpanParameter("values", new PartialMember(null, "SnippetModule", "class", "Values", "internal"), ParameterType.ULong, "v", 0x124, 4, null)],
            model.SpanParameters);
    }

    [Theory]
    [InlineData("[ModuleParameter(\"x\")] public static partial ReadOnlySpan<byte> text { get; }", "needs MaxLength")]
    [InlineData("[ModuleParameter(\"x\", MaxLength = 4, Default = \"toolong\")] public static partial ReadOnlySpan<byte> text { get; }", "is longer than MaxLength 4")]
    [InlineData("[ModuleParameter(\"x\", MaxLength = 4, Permissions = ParameterPermissions.ReadAllWriteOwner)] public static partial ReadOnlySpan<byte> text { get; }", "cannot be writable at run time")]
    [InlineData("[ModuleParameter(\"x\")] public static partial ReadOnlySpan<int> values { get; }", "needs MaxCount")]
    [InlineData("[ModuleParameter(\"x\", MaxCount = 2)] public static partial ReadOnlySpan<char> values { get; }", "a string or array parameter is a")]
    [InlineData("[ModuleParameter(\"x\", Minimum = 5, Maximum = 1)] public static int n;", "Minimum 5 is above Maximum 1")]
    [InlineData("[ModuleParameter(\"x\", MaxLength = 3)] public static int n;", "MaxLength is for string and array parameters")]
    public void Rejects_impossible_string_array_and_range_declarations(string member, string message)
    {
        var error = Assert.Throws<BuildError>(() => Drivers.Model(Drivers.Usings + $$"""
            [KernelModule("snippet")]
            public sealed partial class SnippetModule : IKernelModule
            {
                public static Result Init() => Result.Ok;
                public static void Exit() { }
                {{member}}
            }
            """));
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("", "[KernelModule(\"Bad-Name\")]", "module name \"Bad-Name\" must be")]
    [InlineData("", "[KernelModule(\"ok\", License = \"Proprietary\")]", "license \"Proprietary\" is not GPL-compatible")]
    [InlineData("", "", "the module class needs [KernelModule(\"name\")]")]
    [InlineData("[ModuleParameter(\"x\")] public static string name = null;", "[KernelModule(\"ok\")]", "module parameter type string is not supported")]
    [InlineData("[ModuleParameter(\"x\")] private static int hidden;", "[KernelModule(\"ok\")]", "must be internal or public")]
    [InlineData("[ModuleParameter(\"x\")] public static readonly int fixedValue = 1;", "[KernelModule(\"ok\")]", "cannot be readonly or const")]
    [InlineData("[ModuleParameter(\"x\")] public int instance;", "[KernelModule(\"ok\")]", "goes on a static field")]
    [InlineData("[ModuleParameter(\"x\", Permissions = (ParameterPermissions)0x1B6)] public static int open;", "[KernelModule(\"ok\")]", "refused by the kernel")]
    public void Rejects_declarations_the_kernel_or_the_toolkit_cannot_take(string member, string attribute, string message)
    {
        var error = Assert.Throws<BuildError>(() => Drivers.Model(Drivers.Module(member, attribute)));
        Assert.Contains(message, error.Message);
        if (attribute.Length > 0 && member.Length == 0)
            Assert.Contains("Snippet.cs(", error.Message); // points at the declaration
    }

    [Fact]
    public void Requires_exactly_one_module_class()
    {
        Assert.Contains("no module class", Assert.Throws<BuildError>(() => Drivers.Model(Drivers.Usings + "class Nothing { }")).Message);
        string two = Drivers.Module() + "[KernelModule(\"other\")] public sealed class Other : IKernelModule { public static Result Init() => Result.Ok; public static void Exit() { } }";
        Assert.Contains("more than one module class", Assert.Throws<BuildError>(() => Drivers.Model(two)).Message);
    }

    [Fact]
    public void Reports_csharp_errors_with_file_and_line()
    {
        var error = Assert.Throws<BuildError>(() => Drivers.Compile(Drivers.Module("public static int Broken() => undefinedName;")));
        Assert.StartsWith("C# compilation failed: 1 error(s)", error.Message);
        Assert.Matches(@"Snippet\.cs\(7,\d+\): error CS0103: The name 'undefinedName' does not exist", error.Details);
    }

    [Fact]
    public void Generated_entry_points_compile_with_the_driver()
    {
        var compiled = Drivers.Compile(Drivers.Module("[ModuleParameter(\"n\")] public static ulong count = 3;") + """
            public sealed class Device : IFileOperations
            {
                public static Result Open(File file) => Result.Ok;
                public static Result<nint> Read(File file, UserWriter destination, ref long position) => 0;
            }
            """);
        Assert.NotEmpty(compiled.Assembly);
        Assert.Contains("[global::System.Runtime.RuntimeExport(\"snippet__cs_fops0_open\")]", compiled.Glue);
        Assert.Contains("[global::System.Runtime.RuntimeExport(\"snippet__cs_fops0_read\")]", compiled.Glue);
        Assert.DoesNotContain("fops0_write", compiled.Glue);
        Assert.Contains("global::SnippetModule.count = unchecked((ulong)value)", compiled.Glue);
    }
}
