using KernelSharp.Tool.Build;

namespace KernelSharp.Tests.Unit;

public class GlueGeneratorTests
{
    private static readonly DriverModel PowerOff = new(
        new ModuleInfo("poweroff", "global::PowerOff.PowerOffModule", "GPL", "KernelSharp", "Powers \"QEMU\" off\n"),
        [new ModuleParameter("port", "global::PowerOff.PowerOffModule.port", ParameterType.Int, "First port", 0x124),
         new ModuleParameter("verbose", "global::PowerOff.PowerOffModule.verbose", ParameterType.Bool, "Log more", 0x1A4)],
        [new FileOperationsType("global::PowerOff.PowerOffDevice", FileOperation.Write)],
        []);

    [Fact]
    public void C_glue_fills_only_the_implemented_slots_and_pins_the_module()
    {
        string c = CGlueGenerator.GenerateC(PowerOff);
        // The write entry has the slot's signature, so the kernel calls the C# directly.
        Assert.Contains("static const struct file_operations poweroff_fops0 = {\n\t.owner = THIS_MODULE,\n\t.write = poweroff__cs_fops0_write,\n};", c);
        Assert.DoesNotContain("poweroff_fops0_write(", c);
        Assert.DoesNotContain(".read =", c);
        Assert.DoesNotContain(".open =", c);
        Assert.Contains("static const void *const poweroff_fops_tables[] = {\n\t&poweroff_fops0,\n\tNULL\n};", c);
    }

    [Fact]
    public void C_glue_calls_each_csharp_entry_point_directly_and_declares_it()
    {
        string c = CGlueGenerator.GenerateC(PowerOff);
        foreach (string call in new[] { "ret = poweroff__cs_init(poweroff_fops_tables, poweroff_show_functions, poweroff_callbacks, poweroff_storage);", "\tpoweroff__cs_exit();", "\tpoweroff__cs_param_set_port((s64)value);" })
            Assert.Contains(call, c);
        foreach (var (what, ret, parameters) in GlueNames.Entries(PowerOff))
            Assert.Contains($"{ret} poweroff__cs_{what}({parameters});\n", c);
        // Compiled C# is preemptible kernel code: no FPU section, no trampoline.
        Assert.DoesNotContain("kernel_fpu", c);
        Assert.DoesNotContain("__enter_", c);
    }

    [Fact]
    public void C_glue_declares_parameters_with_kernel_parsing_permissions_and_modinfo()
    {
        string c = CGlueGenerator.GenerateC(PowerOff);
        Assert.Contains("err = param_set_int(text, &typed);", c);
        Assert.Contains("return param_get_int(buffer, &typed);", c);
        Assert.Contains("module_param_cb(port, &poweroff_ops_port, NULL, 0444);", c);
        Assert.Contains("module_param_cb(verbose, &poweroff_ops_verbose, NULL, 0644);", c);
        Assert.Contains("__MODULE_PARM_TYPE(verbose, \"bool\");", c);
        Assert.Contains("MODULE_PARM_DESC(port, \"First port\");", c);
        Assert.Contains("MODULE_LICENSE(\"GPL\");", c);
        Assert.Contains("MODULE_DESCRIPTION(\"Powers \\\"QEMU\\\" off\\n\");", c);
    }

    [Fact]
    public void CSharp_glue_exports_the_names_the_c_glue_calls()
    {
        string cs = CSharpGlueGenerator.Generate(PowerOff);
        foreach (var (what, _, _) in GlueNames.Entries(PowerOff))
            Assert.Contains($"[global::System.Runtime.RuntimeExport(\"poweroff__cs_{what}\")]", cs);
        Assert.Contains("global::KernelSharp.Glue.FileOperationsTable<global::PowerOff.PowerOffDevice>.Set(fileOperationsTables[0]);", cs);
        Assert.Contains("global::PowerOff.PowerOffModule.verbose = value != 0;", cs);
        Assert.Contains("global::PowerOff.PowerOffModule.verbose ? 1L : 0L", cs);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("quote \" and \\ back", "\"quote \\\" and \\\\ back\"")]
    [InlineData("tab\tnew\n", "\"tab\\tnew\\n\"")]
    [InlineData("é", "\"\\303\\251\"")]
    [InlineData("\u0001", "\"\\001\"")]
    public void C_literals_are_escaped(string text, string literal) => Assert.Equal(literal, CGlueGenerator.Literal(text));

    private static readonly DriverModel Scull = new(
        new ModuleInfo("scull", "global::Scull.ScullModule", "GPL", null, null),
        [],
        [new FileOperationsType("global::Scull.ScullFile", FileOperation.Open | FileOperation.Read | FileOperation.Write | FileOperation.Seek | FileOperation.Ioctl)],
        ["global::Scull.ScullMemory"]);

    [Fact]
    public void Seek_stores_the_new_position_only_on_success()
    {
        string c = CGlueGenerator.GenerateC(Scull);
        Assert.Contains("static loff_t scull_fops0_seek(struct file *file, loff_t offset, int whence)", c);
        Assert.Contains("loff_t ret = scull__cs_fops0_seek(file, offset, whence);\n\n\tif (ret >= 0)\n\t\tfile->f_pos = ret;\n\treturn ret;", c);
        Assert.Contains("\t.llseek = scull_fops0_seek,\n", c);
    }

    [Fact]
    public void Ioctl_fills_unlocked_and_compat_slots()
    {
        string c = CGlueGenerator.GenerateC(Scull);
        Assert.Contains("long scull__cs_fops0_ioctl(struct file *file, unsigned int command, unsigned long argument);", c);
        Assert.Contains("\t.unlocked_ioctl = scull__cs_fops0_ioctl,\n\t.compat_ioctl = compat_ptr_ioctl,\n", c);
        string cs = CSharpGlueGenerator.Generate(Scull);
        Assert.Contains("global::Scull.ScullFile.Ioctl(global::KernelSharp.Glue.EntryPoints.File(file), global::KernelSharp.Glue.EntryPoints.Command(command), global::KernelSharp.Glue.EntryPoints.Argument(argument))", cs);
    }

    [Fact]
    public void Show_functions_call_csharp_and_are_handed_to_init()
    {
        string c = CGlueGenerator.GenerateC(Scull);
        Assert.Contains("static int scull_show0(struct seq_file *seq, void *unused)\n{\n\treturn scull__cs_show0(seq);\n}", c);
        Assert.Contains("static const void *const scull_show_functions[] = {\n\tscull_show0,\n\tNULL\n};", c);
        string cs = CSharpGlueGenerator.Generate(Scull);
        Assert.Contains("global::KernelSharp.Glue.SeqShowFunction<global::Scull.ScullMemory>.Set(showFunctions[0]);", cs);
        Assert.Contains("[global::System.Runtime.RuntimeExport(\"scull__cs_show0\")]", cs);
    }

    [Fact]
    public void Every_file_operation_slot_has_a_generated_entry()
    {
        var all = FileOperationSlot.All.Aggregate(FileOperation.None, (set, slot) => set | slot.Operation);
        Assert.Equal(Enum.GetValues<FileOperation>().Aggregate(FileOperation.None, (set, op) => set | op), all);
        var model = Scull with { FileOperations = [new FileOperationsType("global::T", all)] };
        string cs = CSharpGlueGenerator.Generate(model);
        foreach (FileOperationSlot slot in FileOperationSlot.All)
            Assert.Contains($"[global::System.Runtime.RuntimeExport(\"scull__cs_fops0_{slot.Operation.ToString().ToLowerInvariant()}\")]", cs);
    }

    private static readonly DriverModel HelloParams = new(
        new ModuleInfo("hellop", "global::HelloParams.HelloParamsModule", "GPL", null, null),
        [new ModuleParameter("howmany", "global::HelloParams.HelloParamsModule.howmany", ParameterType.Int, "Times", 0x124, 1, 100),
         new ModuleParameter("mask", "global::HelloParams.HelloParamsModule.mask", ParameterType.UInt, "Mask", 0x124, null, 255)],
        [], [],
        [new SpanParameter("whom", new PartialMember("HelloParams", "HelloParamsModule", "class", "Whom", "public"), null, "Whom", 0x124, 32, "world"),
         new SpanParameter("numbers", new PartialMember("HelloParams", "HelloParamsModule", "class", "numbers", "internal"), ParameterType.Int, "Numbers", 0x100, 8, null)]);

    [Fact]
    public void Ranged_parameters_are_checked_after_the_kernel_parsed_them()
    {
        string c = CGlueGenerator.GenerateC(HelloParams);
        Assert.Contains("\tif ((long long)value < 1LL || (long long)value > 100LL) {\n\t\tpr_err(\"hellop: parameter howmany: %lld is outside 1..100\\n\", (long long)value);\n\t\treturn -EINVAL;", c);
        // Unsigned: no lower bound to check, the upper one compared unsigned.
        Assert.Contains("\tif (0 || (unsigned long long)value > 255ULL) {", c);
        int check = c.IndexOf("is outside 1..100", StringComparison.Ordinal);
        Assert.True(check > c.IndexOf("err = param_set_int(text, &typed);", StringComparison.Ordinal));
        Assert.True(check < c.IndexOf("hellop__cs_param_set_howmany((s64)value)", StringComparison.Ordinal));
    }

    [Fact]
    public void String_parameters_are_bounded_copies_with_their_default()
    {
        string c = CGlueGenerator.GenerateC(HelloParams);
        Assert.Contains("static char hellop_param_whom[33] = \"world\";", c);
        Assert.Contains("\tif (length > 32) {\n\t\tpr_err(\"hellop: parameter whom: %zu bytes, at most 32 allowed\\n\", length);\n\t\treturn -EINVAL;", c);
        Assert.Contains("module_param_cb(whom, &hellop_ops_whom, NULL, 0444);", c);
    }

    [Fact]
    public void Array_parameters_use_the_kernels_array_parser_and_reach_csharp_through_the_storage_table()
    {
        string c = CGlueGenerator.GenerateC(HelloParams);
        Assert.Contains("static int hellop_param_numbers[8];\nstatic unsigned int hellop_param_numbers_count;\nmodule_param_array_named(numbers, hellop_param_numbers, int, &hellop_param_numbers_count, 0400);", c);
        Assert.Contains("static void *const hellop_storage[] = {\n\thellop_param_whom,\n\thellop_param_numbers,\n\t&hellop_param_numbers_count,\n\tNULL\n};", c);
        string cs = CSharpGlueGenerator.Generate(HelloParams);
        Assert.Contains("Parameter_whom = (nint)storage[0];", cs);
        Assert.Contains("Parameter_numbersCount = (nint)storage[2];", cs);
        Assert.Contains("namespace HelloParams\n{\npartial class HelloParamsModule\n{\n    public static partial global::System.ReadOnlySpan<byte> Whom => global::KernelSharp.Glue.ParameterStorage.Text(global::KernelSharp.Generated.ModuleEntryPoints.Parameter_whom, 32);", cs);
        Assert.Contains("internal static partial global::System.ReadOnlySpan<int> numbers => global::KernelSharp.Glue.ParameterStorage.Array<int>(", cs);
    }

    private static readonly DriverModel Symbols = new DriverModel(
        new ModuleInfo("user", "global::User.UserModule", "GPL", null, null), [], [], [])
    {
        Exports = [new ExportedFunction("user_twice", "global::User.UserModule.Twice", "long", [new SymbolParameter("long", "value")])],
        Imports = [new ImportedFunction("skull_fn1", new PartialMember("User", "UserModule", "class", "FirstPort", "public"), "int", [])],
        Variables = [new SharedVariable("skull_variable", false, new PartialMember("User", "UserModule", "class", "Variable", "internal"), "int")],
        Dependencies = [new ModuleDependency("skull", "../Skull")],
    };

    [Fact]
    public void Exported_functions_call_csharp_and_are_exported_gpl()
    {
        string c = CGlueGenerator.GenerateC(Symbols);
        Assert.Contains("s64 user_twice(s64 value);\ns64 user_twice(s64 value)\n{\n\treturn user__cs_export_user_twice(value);\n}\nEXPORT_SYMBOL_GPL(user_twice);", c);
        Assert.Contains("private static long ExportUserTwice(long value) => global::User.UserModule.Twice(value);", CSharpGlueGenerator.Generate(Symbols));
    }

    [Fact]
    public void Imported_functions_are_called_through_a_c_stub()
    {
        string c = CGlueGenerator.GenerateC(Symbols);
        Assert.Contains("extern s32 skull_fn1(void);\ns32 user__import_skull_fn1(void);\ns32 user__import_skull_fn1(void)\n{\n\treturn skull_fn1();\n}", c);
        string cs = CSharpGlueGenerator.Generate(Symbols);
        Assert.Contains("[global::System.Runtime.RuntimeImport(\"*\", \"user__import_skull_fn1\")", cs);
        Assert.Contains("public static partial int FirstPort() => global::KernelSharp.Generated.ModuleEntryPoints.Import_skull_fn1();", cs);
    }

    [Fact]
    public void Shared_variables_are_reached_through_the_storage_table()
    {
        string c = CGlueGenerator.GenerateC(Symbols);
        Assert.Contains("extern s32 skull_variable;\n", c);
        Assert.DoesNotContain("EXPORT_SYMBOL_GPL(skull_variable)", c);
        Assert.Contains("static void *const user_storage[] = {\n\t&skull_variable,\n\tNULL\n};", c);
        Assert.Contains("internal static partial ref int Variable => ref global::KernelSharp.Glue.ParameterStorage.Variable<int>(global::KernelSharp.Generated.ModuleEntryPoints.Variable_skull_variable);", CSharpGlueGenerator.Generate(Symbols));
    }

    [Fact]
    public void A_test_build_registers_a_kunit_suite_where_the_kernel_has_kunit_and_runs_the_tests_in_init_elsewhere()
    {
        DriverModel tested = PowerOff with { Tests = [new KernelTestCase("Checks.Adds", "global::Checks.Adds"), new KernelTestCase("Checks.Fails", "global::Checks.Fails")] };
        string c = CGlueGenerator.GenerateC(tested);
        Assert.Contains("#if IS_BUILTIN(CONFIG_KUNIT)\n#include <kunit/test.h>", c);
        Assert.Contains("static void poweroff_test_1(struct kunit *test)\n{\n\tpoweroff__cs_test_run(1, test);\n}", c);
        Assert.Contains("\t{ .run_case = poweroff_test_0, .name = \"Checks.Adds\" },\n\t{ .run_case = poweroff_test_1, .name = \"Checks.Fails\" },\n\t{}\n};", c);
        // Handed to KUnit by the module's init, after Init: not the section KUnit runs before init.
        Assert.Contains("\t__kunit_test_suites_init(poweroff_test_suites, 1);", c);
        Assert.DoesNotContain("kunit_test_suites(&", c);
        Assert.Contains("{\n\tpoweroff_exit_tests();\n\tpoweroff__cs_exit();", c);
        Assert.Contains("int failures = poweroff__cs_test_run(i, NULL);", c);
        Assert.Contains("\tif (!ret)\n\t\tpoweroff_run_tests();\n\treturn ret;", c);
        Assert.Contains("int poweroff__cs_test_run(int index, void *kunit);", c);
        string cs = CSharpGlueGenerator.Generate(tested);
        Assert.Contains("[global::System.Runtime.RuntimeExport(\"poweroff__cs_test_run\")]", cs);
        Assert.Contains("case 0: global::Checks.Adds(); break;\n                case 1: global::Checks.Fails(); break;", cs);

        // A normal build has no test entry and runs nothing at init.
        Assert.DoesNotContain("test_run", CGlueGenerator.GenerateC(PowerOff));
        Assert.DoesNotContain("run_tests", CGlueGenerator.GenerateC(PowerOff));
        Assert.DoesNotContain("TestRun", CSharpGlueGenerator.Generate(PowerOff));
    }
}
