namespace KernelSharp.Tool.Build;

/// <summary>
/// Symbol names shared by the generated C, the trampolines and the generated C# entry points.
/// C# entries are "MODULE__cs_WHAT"; the trampolines that reach them are "MODULE__enter_WHAT".
/// </summary>
public sealed class GlueNames(string module)
{
    public string Module { get; } = module;

    public string CSharpEntry(string what) => $"{Module}__cs_{what}";
    public string Trampoline(string what) => $"{Module}__enter_{what}";

    public const string Init = "init";
    public const string Exit = "exit";
    public static string FileOperationEntry(int table, FileOperation op) => $"fops{table}_{op.ToString().ToLowerInvariant()}";
    public static string SeqShowEntry(int index) => $"show{index}";
    public static string ParameterSet(string name) => $"param_set_{name}";
    public static string ParameterGet(string name) => $"param_get_{name}";

    /// <summary>Every entry of a driver: (what, C return type, C prototype arguments).</summary>
    public static IEnumerable<(string What, string CReturn, string CParameters)> Entries(DriverModel model)
    {
        yield return (Init, "int", "const void *const *fops_tables, const void *const *show_functions, void *const *parameter_storage");
        yield return (Exit, "void", "void");
        for (int i = 0; i < model.FileOperations.Count; i++)
            foreach (FileOperationSlot slot in FileOperationSlot.All)
                if (model.FileOperations[i].Implemented.HasFlag(slot.Operation))
                    yield return (FileOperationEntry(i, slot.Operation), slot.CReturn, slot.TrampolineParameters);
        for (int i = 0; i < model.SeqShowTypes.Count; i++)
            yield return (SeqShowEntry(i), "int", "struct seq_file *seq");
        foreach (ModuleParameter parameter in model.Parameters)
        {
            yield return (ParameterSet(parameter.Name), "void", "s64 value");
            yield return (ParameterGet(parameter.Name), "s64", "void");
        }
    }
}
