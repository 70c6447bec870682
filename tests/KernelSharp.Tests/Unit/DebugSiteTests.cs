using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

/// <summary>Log.Debug calls as dynamic debug sites: what the build tool finds, what it refuses, and the C it generates.</summary>
public class DebugSiteTests
{
    private static IReadOnlyList<DebugSite> Sites(params (string Path, string Source)[] files) =>
        DebugSiteReader.Read(Drivers.Compiler.CreateCompilation("Snippet", files.Select(f => DriverCompiler.ParseText(f.Source, f.Path))));

    private static BuildError Refused(string source) =>
        Assert.Throws<BuildError>(() => Sites(("Snippet.cs", Drivers.Module("") + source)));

    [Fact]
    public void Each_call_is_a_site_with_its_file_line_method_and_template()
    {
        var sites = Sites(("Snippet.cs", Drivers.Module("") + """"
            namespace Outer.Inner
            {
                public static class Device
                {
                    public static void Open(int count, uint port, ReadOnlySpan<byte> name)
                    {
                        Log.Debug($"open {count} at {port:x}, {count,4} {{literal}}");
                        Log.Debug("plain"u8);
                        Log.Debug(name);
                        Log.Debug($"two " + $"parts {name}");
                        Report();
                        void Report() => Log.Debug($"from a local function");
                    }

                    public static int Count { get { Log.Debug($"count"); return 1; } }

                    public static class Nested
                    {
                        public static void Run() => KernelSharp.Log.Debug(
                            $"""
                            raw {Count}
                            """);
                    }
                }
            }
            """"), ("Sub/Other.cs", Drivers.Usings + """
            internal static class Other
            {
                internal static void Go() => Log.Debug($"in a subfolder");
            }
            """));
        int first = Drivers.Module("").Split('\n').Length + 6;
        Assert.Equal(
            [new DebugSite("Snippet.cs", first, "Outer.Inner.Device.Open", "open {count} at {port:x}, {count,4} {{literal}}"),
             new DebugSite("Snippet.cs", first + 1, "Outer.Inner.Device.Open", "plain"),
             new DebugSite("Snippet.cs", first + 2, "Outer.Inner.Device.Open", "{name}"),
             new DebugSite("Snippet.cs", first + 3, "Outer.Inner.Device.Open", "two parts {name}"),
             new DebugSite("Snippet.cs", first + 5, "Outer.Inner.Device.Open", "from a local function"),
             new DebugSite("Snippet.cs", first + 8, "Outer.Inner.Device.get_Count", "count"),
             new DebugSite("Snippet.cs", first + 13, "Outer.Inner.Device.Nested.Run", "raw {Count}"),
             new DebugSite("Sub/Other.cs", 4, "Other.Go", "in a subfolder")],
            sites);
    }

    [Fact]
    public void Files_are_named_relative_to_the_project_as_the_compiled_code_sees_them()
    {
        // The paths the build parses are absolute; the .S and the glue must not depend on where the project is.
        const string Root = "/home/someone/drivers/Mine";
        var trees = new[] { ("Main.cs", Drivers.Module("public static void Hi() => Log.Debug($\"hi\");")), ("Deep/Er/Other.cs", Drivers.Usings + "static class O { static void G() => Log.Debug(\"g\"u8); }") }
            .Select(f => DriverCompiler.ParseText(f.Item2, $"{Root}/{f.Item1}")).ToList();
        var sites = DebugSiteReader.Read(Drivers.Compiler.CreateCompilation("Snippet", trees, sourceRoot: Root + "/"));
        Assert.Equal(["Main.cs", "Deep/Er/Other.cs"], sites.Select(s => s.File));
        // Without the project directory the compiled code would carry the absolute path: refused as a ksharp bug.
        BuildError error = Assert.Throws<BuildError>(() => DebugSiteReader.Read(Drivers.Compiler.CreateCompilation("Snippet", trees)));
        Assert.Contains("absolute path /home/someone/drivers/Mine/Main.cs", error.Message);
    }

    [Fact]
    public void A_module_without_log_debug_has_no_sites_and_no_dynamic_debug_in_its_glue()
    {
        var (_, model, _, _) = Drivers.Compile(Drivers.Module("public static void Hi() => Log.Info($\"hi {1}\");"));
        Assert.Empty(model.DebugSites);
        string c = CGlueGenerator.GenerateC(model);
        Assert.DoesNotContain("dynamic_debug", c);
        Assert.DoesNotContain(GlueNames.DebugSiteFunction, c);
    }

    [Theory]
    [InlineData("Log.Debug(\"x\"u8, \"Other.cs\", 3);", "Log.Debug's file is the compiler's")]
    [InlineData("Log.Debug(\"x\"u8, line: 3);", "Log.Debug's line is the compiler's")]
    [InlineData("var m = new DebugMessage(0, 0, \"Other.cs\", 3); Log.Debug(ref m);", "a DebugMessage is made by the compiler")]
    [InlineData("DebugMessage m = default; Log.Debug(ref m);", "Log.Debug takes its message as an interpolated string")]
    [InlineData("delegate*<ReadOnlySpan<byte>, string, int, void> f = &Log.Debug; f(\"x\"u8, \"Other.cs\", 3);", "Log.Debug is only called")]
    [InlineData("Log.Debug($\"one\"); Log.Debug($\"two\");", "a second Log.Debug call on line")]
    public void Ways_to_reach_a_site_by_hand_are_refused(string statements, string message)
    {
        BuildError error = Refused($$"""
            public static unsafe class Caller
            {
                public static void Go()
                {
                    {{statements}}
                }
            }
            """);
        Assert.Contains(message, error.Details);
        Assert.Contains("Snippet.cs(", error.Details);
    }

    [Fact]
    public void The_glue_defines_each_site_with_the_kernels_macro_and_compares_files_only_where_lines_meet()
    {
        DriverModel model = Drivers.Model(Drivers.Module("")) with
        {
            DebugSites =
            [
                new DebugSite("A.cs", 7, "N.T.Open", "open {n} \"q\""),
                new DebugSite("Sub/B.cs", 7, "N.U.Read", "read"),
                new DebugSite("A.cs", 12, "N.T.Close", "close"),
            ],
        };
        string c = CGlueGenerator.GenerateC(model);
        string glue = c[c.IndexOf("#include <linux/dynamic_debug.h>", StringComparison.Ordinal)..];
        Assert.Contains("void *ksharp_dyndbg_site(u32 line, const u16 *file, u32 file_length)\n{\n#if KSHARP_DYNAMIC_DEBUG\n\tswitch (line) {\n\tcase 7:\n", glue);
        // Line 7 has a site in two files: each is told apart by its UTF-16 name.
        Assert.Contains("static const u16 snippet_dyndbg_file0[] = { 65, 46, 99, 115 }; /* A.cs */\n", glue);
        Assert.Contains("static const u16 snippet_dyndbg_file1[] = { 83, 117, 98, 47, 66, 46, 99, 115 }; /* Sub/B.cs */\n", glue);
        Assert.Contains("\t\tif (file_length == 4 && !memcmp(file, snippet_dyndbg_file0, sizeof(snippet_dyndbg_file0))) {\n"
            + "#define __func__ \"N.T.Open\"\n#line 7 \"A.cs\"\n"
            + "\t\tDEFINE_DYNAMIC_DEBUG_METADATA(snippet_dyndbg0, \"open {n} \\\"q\\\"\");\n#undef __func__\n"
            + "\t\treturn DYNAMIC_DEBUG_BRANCH(snippet_dyndbg0) ? &snippet_dyndbg0 : NULL;\n\t\t}\n", glue);
        Assert.Contains("\t\tif (file_length == 8 && !memcmp(file, snippet_dyndbg_file1, sizeof(snippet_dyndbg_file1))) {\n"
            + "#define __func__ \"N.U.Read\"\n#line 7 \"Sub/B.cs\"\n", glue);
        // Line 12 has one site: no comparison.
        Assert.Contains("\tcase 12:\n\t\t{\n#define __func__ \"N.T.Close\"\n#line 12 \"A.cs\"\n"
            + "\t\tDEFINE_DYNAMIC_DEBUG_METADATA(snippet_dyndbg2, \"close\");\n", glue);
        Assert.EndsWith("\t}\n#endif\n\treturn NULL;\n}\n", c);
    }
}
