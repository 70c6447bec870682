namespace KernelSharp.Tool.Build;

/// <summary>
/// Symbol names shared by the generated C and the generated C# entry points.
/// C# entries are "MODULE__cs_WHAT".
/// </summary>
public sealed class GlueNames(string module)
{
    public string Module { get; } = module;

    public string CSharpEntry(string what) => $"{Module}__cs_{what}";

    public const string Init = "init";
    public const string Exit = "exit";
    public static string FileOperationEntry(int table, FileOperation op) => $"fops{table}_{op.ToString().ToLowerInvariant()}";
    public static string SeqShowEntry(int index) => $"show{index}";
    public static string ExportEntry(string symbol) => $"export_{symbol}";
    public string ImportStub(string symbol) => $"{Module}__import_{symbol}";

    /// <summary>
    /// The C data the generated C# reaches by address, in the order the C glue lists it for
    /// init: (C expression, C# field). String parameters, array parameters and their counts,
    /// shared variables, lock classes.
    /// </summary>
    public static IEnumerable<(string CExpression, string Field)> StorageSlots(DriverModel model)
    {
        string m = model.Module.Name;
        foreach (SpanParameter parameter in model.SpanParameters)
        {
            yield return ($"{m}_param_{parameter.Name}", $"Parameter_{parameter.Name}");
            if (!parameter.IsString)
                yield return ($"&{m}_param_{parameter.Name}_count", $"Parameter_{parameter.Name}Count");
        }
        foreach (SharedVariable variable in model.Variables)
            yield return ($"&{variable.Symbol}", $"Variable_{variable.Symbol}");
        for (int i = 0; i < model.LockClasses.Count; i++)
            yield return ($"&{LockClass(m, i)}", $"LockClass_{i}");
    }

    /// <summary>The C variable of the driver's <paramref name="index"/>th lock class.</summary>
    public static string LockClass(string module, int index) => $"{module}_lock_class{index}";

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
        yield return (Init, "int", "const void *const *fops_tables, const void *const *show_functions, void *const *storage");
        yield return (Exit, "void", "void");
        for (int i = 0; i < model.FileOperations.Count; i++)
            foreach (FileOperationSlot slot in FileOperationSlot.All)
                if (model.FileOperations[i].Slots.HasFlag(slot.Operation))
                    yield return (FileOperationEntry(i, slot.Operation), slot.CReturn, slot.EntryParameters(model.FileOperations[i]));
        for (int i = 0; i < model.SeqShowTypes.Count; i++)
            yield return (SeqShowEntry(i), "int", "struct seq_file *seq");
        foreach (ExportedFunction export in model.Exports)
            yield return (ExportEntry(export.Symbol), SymbolTypes.CType[export.Return], CParameters(export.Parameters));
        foreach (ModuleParameter parameter in model.Parameters)
        {
            yield return (ParameterSet(parameter.Name), "void", "s64 value");
            yield return (ParameterGet(parameter.Name), "s64", "void");
        }
    }
}
