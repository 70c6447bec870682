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
            public sealed class Device : IWrite, IRelease
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
            public sealed class Device : ISeek, IIoctl
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
            public sealed class Device : IOpen, IRead
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

    [Fact]
    public void Reads_per_open_state_and_gives_it_open_and_release_slots()
    {
        DriverModel model = Drivers.Model(Drivers.Module("", "[KernelModule(\"snippet\")]") + """
            public struct Session : System.IDisposable
            {
                public int Reads;
                public void Dispose() { }
            }
            public sealed class Device : IRead<Session>
            {
                public static Result<nint> Read(in Session session, File file, UserWriter destination, ref long position) => session.Reads;
            }
            """);
        FileOperationsType device = Assert.Single(model.FileOperations);
        Assert.Equal(FileOperation.Read, device.Implemented);
        Assert.Equal(new FileStateType("global::Session", Disposable: true), device.State);
        Assert.Equal(FileOperation.Read | FileOperation.Open | FileOperation.Release, device.Slots);
    }

    [Fact]
    public void Per_open_state_that_holds_owned_values_must_be_disposable()
    {
        var error = Assert.Throws<BuildError>(() => Drivers.Model(Drivers.Module("", "[KernelModule(\"snippet\")]") + """
            public struct Session { public KernelSharp.Memory.KernelBuffer Notes; }
            public sealed class Device : IRead<Session>
            {
                public static Result<nint> Read(in Session session, File file, UserWriter destination, ref long position) => 0;
            }
            """));
        Assert.Equal("Snippet.cs(9,21): the per-open state Session holds owned values but is not IDisposable, so closing a file would never release them; implement IDisposable and dispose them there", error.Message);
    }

    [Fact]
    public void Operations_with_and_without_state_cannot_mix()
    {
        var error = Assert.Throws<BuildError>(() => Drivers.Model(Drivers.Module("", "[KernelModule(\"snippet\")]") + """
            public struct Session { public int Reads; }
            public sealed class Device : IRead<Session>, IWrite
            {
                public static Result<nint> Read(in Session session, File file, UserWriter destination, ref long position) => 0;
                public static Result<nint> Write(File file, UserReader source, ref long position) => 0;
            }
            """));
        Assert.Equal("Snippet.cs(9,21): operations with per-open state (IRead<Session>) and without (IRead) cannot mix in one type; give every operation the state", error.Message);
    }

    [Fact]
    public void Generated_entry_points_allocate_per_open_state_and_dispose_it_once()
    {
        var compiled = Drivers.Compile(Drivers.Module("") + """
            public struct Session : System.IDisposable
            {
                public int Reads;
                public void Dispose() { }
            }
            public sealed class Device : IOpen<Session>, IRead<Session>
            {
                public static Result Open(File file, out Session session) { session = default; return Result.Ok; }
                public static Result<nint> Read(in Session session, File file, UserWriter destination, ref long position) => session.Reads;
            }
            """);
        const string State = "global::KernelSharp.Glue.FileState<global::Session>";
        Assert.Contains($"void* state = {State}.Allocate(file);", compiled.Glue);
        Assert.Contains($"int ret = global::Device.Open(global::KernelSharp.Glue.EntryPoints.File(file), out {State}.At(state)).ToErrno();", compiled.Glue);
        Assert.Contains($"if (ret != 0)\n                {{ {State}.At(state).Dispose(); {State}.Free(file, state); }}", compiled.Glue);
        // No Release of its own: the generated one still disposes and frees the state.
        Assert.Contains($"private static int Fops0Release(void* file, void* state)\n        {{ {State}.At(state).Dispose(); {State}.Free(file, state); return 0; }}", compiled.Glue);
        Assert.Contains($"global::Device.Read(in {State}.At(state), ", compiled.Glue);
        string c = CGlueGenerator.GenerateC(compiled.Model);
        Assert.Contains("return snippet__cs_fops0_read(file, file->private_data, buffer, length, position);", c);
        Assert.Contains("return snippet__cs_fops0_release(file, file->private_data);", c);
    }

    [Fact]
    public void An_open_that_receives_its_device_gets_it_from_the_registration()
    {
        var compiled = Drivers.Compile(Drivers.Module("") + """
            public struct Counter : System.IDisposable { public int Count; public void Dispose() { } }
            public struct Session : System.IDisposable
            {
                public KernelSharp.Memory.Shared<Counter> Device;
                public void Dispose() => Device.Dispose();
            }
            public sealed class Device : IOpen<Session, Counter>, IRead<Session>
            {
                public static Result Open(File file, in KernelSharp.Memory.Shared<Counter> device, out Session session)
                {
                    session.Device = device.Share();
                    return Result.Ok;
                }
                public static Result<nint> Read(in Session session, File file, UserWriter destination, ref long position) => session.Device.Value.Count;
            }
            """);
        FileOperationsType device = Assert.Single(compiled.Model.FileOperations);
        Assert.Equal("global::Counter", device.DeviceType);
        Assert.Equal(["global::Counter"], compiled.Model.DeviceTypes);
        Assert.Contains("global::Device.Open(global::KernelSharp.Glue.EntryPoints.File(file), in opened, out ", compiled.Glue);
        Assert.Contains("private static void DeviceRelease0(void* shared) => global::KernelSharp.Glue.DeviceContext<global::Counter>.Release(shared);", compiled.Glue);
        string c = CGlueGenerator.GenerateC(compiled.Model);
        Assert.Contains("return snippet__cs_fops0_open(file, ksharp_context_open(inode, file));", c);
        Assert.Contains("\t(void *)snippet__cs_device_release0,\n", c);
    }

    [Fact]
    public void Each_mutex_and_spin_lock_creation_site_gets_its_own_lock_class()
    {
        var compiled = Drivers.Compile(Drivers.Usings + """
            using KernelSharp.Sync;
            [KernelModule("snippet")]
            public sealed class SnippetModule : IKernelModule
            {
                private static Mutex s_first;
                private static Mutex<Counter> s_second;
                private static SpinLock<Counter> s_third;
                public static Result Init()
                {
                    Result result = Mutex.Create(out s_first);
                    result = result.Failed ? result : Mutex<Counter>.Create(out s_second);
                    return result.Failed ? result : SpinLock<Counter>.Create(out s_third);
                }
                public static void Exit() { s_third.Dispose(); s_second.Dispose(); s_first.Dispose(); }
            }
            public struct Counter : System.IDisposable
            {
                public int Count;
                public void Dispose() { }
            }
            """);
        Assert.Equal(["SnippetModule.Init: s_first", "SnippetModule.Init: s_second", "SnippetModule.Init: s_third"], compiled.Model.LockClasses.Select(site => site.Name));
        string c = CGlueGenerator.GenerateC(compiled.Model);
        Assert.Contains("static struct ksharp_lock_class snippet_lock_class0 = { .name = \"SnippetModule.Init: s_first\" };", c);
        Assert.Contains("static struct ksharp_lock_class snippet_lock_class1 = { .name = \"SnippetModule.Init: s_second\" };", c);
        Assert.Contains("\t&snippet_lock_class1,\n", c);
        Assert.Contains("internal static global::KernelSharp.Result Create1(out global::KernelSharp.Sync.Mutex<global::Counter> created) => global::KernelSharp.Glue.LockClasses.Create(out created, global::KernelSharp.Generated.ModuleEntryPoints.LockClass_1);", compiled.Glue);
        Assert.Contains("internal static global::KernelSharp.Result Create2(out global::KernelSharp.Sync.SpinLock<global::Counter> created) => global::KernelSharp.Glue.LockClasses.Create(out created, global::KernelSharp.Generated.ModuleEntryPoints.LockClass_2);", compiled.Glue);
        Assert.Contains("LockClass_1 = (nint)storage[1];", compiled.Glue);
    }
}
