namespace KernelSharp.Tool.Build;

/// <summary>
/// Symbol names shared by the generated C and the generated C# entry points.
/// C# entries are "MODULE__cs_WHAT".
/// </summary>
public sealed class GlueNames(string module)
{
    public string Module { get; } = module;

    public string CSharpEntry(string what) => $"{Module}__cs_{what}";

    /// <summary>The generated C# method of an entry: "fops0_read" is Fops0Read.</summary>
    public static string CSharpMethod(string what) =>
        string.Concat(what.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    /// <summary>The C function the kernel calls for an entry, where C wraps the C# entry ("scull_fops0_read").</summary>
    public string CWrapper(string what) => $"{Module}_{what}";

    /// <summary>The file_operations of the driver's <paramref name="index"/>th file operations type.</summary>
    public string FileOperationsTable(int index) => $"{Module}_fops{index}";

    /// <summary>The arrays the C glue hands to the C# init, in this order.</summary>
    public string FileOperationsTables => $"{Module}_fops_tables";
    public string CallbackFunctions => $"{Module}_callbacks";
    public string ShowFunctions => $"{Module}_show_functions";
    public string Storage => $"{Module}_storage";

    /// <summary>The C storage of a string or array parameter, and of an array parameter's count.</summary>
    public string ParameterStorage(string parameter) => $"{Module}_param_{parameter}";
    public string ParameterCount(string parameter) => $"{Module}_param_{parameter}_count";

    /// <summary>A parameter's kernel_param_ops and its set and get callbacks.</summary>
    public string ParameterOps(string parameter) => $"{Module}_ops_{parameter}";
    public string ParameterSetter(string parameter) => $"{Module}_set_{parameter}";
    public string ParameterGetter(string parameter) => $"{Module}_get_{parameter}";

    /// <summary>The generated C# class holding the entry points and the storage fields.</summary>
    public const string EntryClass = "global::KernelSharp.Generated.ModuleEntryPoints";

    /// <summary>The C# field holding the address of a string or array parameter's storage, and of its count.</summary>
    public static string ParameterField(string parameter) => $"Parameter_{parameter}";
    public static string ParameterCountField(string parameter) => $"Parameter_{parameter}Count";

    /// <summary>The C# field holding the address of a shared variable.</summary>
    public static string VariableField(string symbol) => $"Variable_{symbol}";

    /// <summary>The C# field holding the address of the <paramref name="index"/>th device type's release entry.</summary>
    public static string DeviceReleaseField(int index) => $"DeviceRelease_{index}";

    /// <summary>The C# field holding the address of the <paramref name="index"/>th lock class.</summary>
    public static string LockClassField(int index) => $"LockClass_{index}";

    /// <summary>The C# method that calls an imported function's C stub.</summary>
    public static string ImportMethod(string symbol) => $"Import_{symbol}";

    public const string Init = "init";
    public const string Exit = "exit";
    /// <summary>A test build's entry: runs [KernelTest] number index, returns its failed assertions.</summary>
    public const string TestRun = "test_run";
    public static string FileOperationEntry(int table, FileOperation op) => $"fops{table}_{op.ToString().ToLowerInvariant()}";
    public static string SeqShowEntry(int index) => $"show{index}";
    public static string CallbackEntry(int index) => $"callback{index}";
    public static string DeviceReleaseEntry(int index) => $"device_release{index}";
    public static string ExportEntry(string symbol) => $"export_{symbol}";
    public string ImportStub(string symbol) => $"{Module}__import_{symbol}";

    /// <summary>
    /// The C function of a module's dynamic debug sites, generated when it has Log.Debug calls:
    /// the library calls it under this fixed name (src/Native/ksharp.h).
    /// </summary>
    public const string DebugSiteFunction = "ksharp_dyndbg_site";

    /// <summary>The struct _ddebug of the <paramref name="index"/>th Log.Debug site, and the UTF-16 name of a file with sites.</summary>
    public string DebugSite(int index) => $"{Module}_dyndbg{index}";
    public string DebugSiteFile(int index) => $"{Module}_dyndbg_file{index}";

    /// <summary>
    /// The C data the generated C# reaches by address, in the order the C glue lists it for
    /// init: (C expression, C# field). String parameters, array parameters and their counts,
    /// shared variables, lock classes, device release entries.
    /// </summary>
    public static IEnumerable<(string CExpression, string Field)> StorageSlots(DriverModel model)
    {
        var names = new GlueNames(model.Module.Name);
        foreach (SpanParameter parameter in model.SpanParameters)
        {
            yield return (names.ParameterStorage(parameter.Name), ParameterField(parameter.Name));
            if (!parameter.IsString)
                yield return ($"&{names.ParameterCount(parameter.Name)}", ParameterCountField(parameter.Name));
        }
        foreach (SharedVariable variable in model.Variables)
            yield return ($"&{variable.Symbol}", VariableField(variable.Symbol));
        for (int i = 0; i < model.LockClasses.Count; i++)
            yield return ($"&{names.LockClass(i)}", LockClassField(i));
        for (int i = 0; i < model.DeviceTypes.Count; i++)
            yield return ($"(void *){names.CSharpEntry(DeviceReleaseEntry(i))}", DeviceReleaseField(i));
    }

    /// <summary>The C variable of the driver's <paramref name="index"/>th lock class.</summary>
    public string LockClass(int index) => $"{Module}_lock_class{index}";

    /// <summary>The arguments that pass a symbol's parameters on (the same text in C and C#).</summary>
    public static string CArguments(IReadOnlyList<SymbolParameter> parameters) => string.Join(", ", parameters.Select(p => p.Name));

    /// <summary>A C parameter list ("void" when empty) for a symbol's signature.</summary>
    public static string CParameters(IReadOnlyList<SymbolParameter> parameters) =>
        parameters.Count == 0 ? "void" : string.Join(", ", parameters.Select(p => $"{SymbolTypes.CType[p.Type]} {p.Name}"));
    public static string ParameterSet(string name) => $"param_set_{name}";
    public static string ParameterGet(string name) => $"param_get_{name}";

    /// <summary>Every entry of a driver: (what, C return type, C prototype arguments).</summary>
    public static IEnumerable<(string What, string CReturn, string CParameters)> Entries(DriverModel model)
    {
        yield return (Init, "int", "const void *const *fops_tables, const void *const *show_functions, const void *const *callbacks, void *const *storage");
        yield return (Exit, "void", "void");
        for (int i = 0; i < model.FileOperations.Count; i++)
            foreach (FileOperationSlot slot in FileOperationSlot.All)
                if (model.FileOperations[i].Slots.HasFlag(slot.Operation))
                    yield return (FileOperationEntry(i, slot.Operation), slot.CReturn, slot.EntryParameters(model.FileOperations[i]));
        for (int i = 0; i < model.SeqShowTypes.Count; i++)
            yield return (SeqShowEntry(i), "int", "struct seq_file *seq");
        for (int i = 0; i < model.Callbacks.Count; i++)
            yield return (CallbackEntry(i), "s64", "void *data");
        for (int i = 0; i < model.DeviceTypes.Count; i++)
            yield return (DeviceReleaseEntry(i), "void", "struct ksharp_shared *shared");
        foreach (ExportedFunction export in model.Exports)
            yield return (ExportEntry(export.Symbol), SymbolTypes.CType[export.Return], CParameters(export.Parameters));
        foreach (ModuleParameter parameter in model.Parameters)
        {
            yield return (ParameterSet(parameter.Name), "void", "s64 value");
            yield return (ParameterGet(parameter.Name), "s64", "void");
        }
        if (model.Tests.Count > 0)
            yield return (TestRun, "int", "int index, void *kunit");
    }
}
